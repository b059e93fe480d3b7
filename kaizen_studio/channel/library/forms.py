"""The upload form: a title, a class and one file (a film, a picture, or a zip of pictures
with a sound track for a photostory)."""

from __future__ import annotations

from django import forms


class UploadForm(forms.Form):
    title = forms.CharField(max_length=120)
    class_name = forms.CharField(label="Class", max_length=60, required=False)
    from_studio = forms.BooleanField(label="A recording from the studio", required=False)
    file = forms.FileField(
        help_text=(
            "A film (MP4, MOV, WebM...), a picture (JPEG, PNG), or a photostory: a zip of "
            "pictures with one sound track (MP3, WAV, M4A) inside."
        )
    )
