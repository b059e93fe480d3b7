"""The channel's widgets: the ticker of the class blogs' headlines, house points,
birthdays today, awards and star of the week, sports news (a Django app; ``ticker`` and
``birthdays`` are pure code the app and its tests use)."""
