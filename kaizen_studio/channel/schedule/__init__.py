"""The channel's timetable as a Django app: screen groups and screens, playlists placed
by day and time, announcements, the staff pages, and the screen page with its data."""
