"""The demo rule book shipped with the project: Labour's rule book and its history to 2021.

`labour.yaml` is in the import/export file format (DESIGN.md); `load_demo` imports it. Every
version's note, and every proposal's rationale or adoption note and every vote's note, says
where its facts come from and how sure they are.
"""
