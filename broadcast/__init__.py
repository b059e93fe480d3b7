"""Outputs of the programme: recorder, RTMP streamer, media server, player, virtual camera."""
