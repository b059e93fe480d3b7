"""Vodcasts: library items published with captions, a page, an embed and podcast feeds."""
