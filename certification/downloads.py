"""Private files going out: only through permission-checked views, as downloads that no browser or
proxy keeps and that no browser guesses the type of."""

from django.http import FileResponse


def private_file_response(file, *, filename, content_type=None, inline=False):
    response = FileResponse(
        file.open("rb"), as_attachment=not inline, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def attachment_response(attachment, *, inline=False):
    return private_file_response(
        attachment.file,
        filename=attachment.original_name,
        content_type=attachment.content_type,
        inline=inline,
    )
