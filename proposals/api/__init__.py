"""The REST API of proposals: read viewsets, and small write views that call
`proposals.services` (wired in `config/api_urls.py`)."""
