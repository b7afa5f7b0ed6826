"""The REST API of the rule book: read-only, anonymous, JSON (wired in `config/api_urls.py`).

`errors`, `conditional`, `params` and `throttles` are shared with `proposals.api`.
"""
