"""The channel's library: films, pictures, photostories and studio recordings, each
converted to one web-safe MP4 with a thumbnail; ``ready_items()`` is what screens play."""
