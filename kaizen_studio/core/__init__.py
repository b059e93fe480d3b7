"""The base layer: frame and sound types, errors, drawing and the clock; imports nothing of ours."""
