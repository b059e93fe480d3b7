"""The school channel: screens that play the children's work on a timetable."""
