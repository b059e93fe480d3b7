"""channel_add_user: make an account from the command line."""
