"""The autocue: script parsing, scrolling, rendering, prompter window and remote control."""
