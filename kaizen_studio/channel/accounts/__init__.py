"""Staff accounts of the school channel: three roles, their rights, and the audit log."""
