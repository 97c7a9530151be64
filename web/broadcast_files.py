"""A broadcast's photo or document on the web page: reading the upload into Loa's file
store, carrying it from the preview to the send (hidden fields naming it by hash), and
serving it.

Two routes serve stored files, both by `<sha256>.<extension>`: `/tep/…`, open without
a session because platforms that take files by URL only (Zalo) fetch it from there,
serves only files a sent broadcast names (evidence in the same store is never served
there); `/gui-tin/tep/…`, for the preview, serves photos to a plan's admin.
"""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from aiohttp import web
from multidict import MultiDictProxy

from bot.storage.broadcasts import broadcast_file
from content.broadcast_files import (
    EXTENSIONS,
    FILE_PATH,
    FILE_PATTERN,
    MAX_DOCUMENT_BYTES,
    NAME_LIMIT,
    PHOTO_TYPES,
    Accepted,
    judge_upload,
)
from content.evidence import MEGABYTE
from content.payloads import StoredFile
from web.site import Site, Viewer, admin_only, page, problem, site_of, texts

# A document at its limit, the text and the form's fields.
MAX_FORM_BYTES = MAX_DOCUMENT_BYTES + MEGABYTE
PREVIEW_PATH = "/gui-tin/tep"

Form = MultiDictProxy[str | bytes | bytearray | web.FileField] | dict[str, str]


def too_large(viewer: Viewer) -> web.Response:
    _ = texts()
    return problem(
        viewer,
        _("Tệp quá lớn"),
        _("Tệp gửi kèm tin được tới %(mb)d MB; không có gì thay đổi.")
        % {"mb": MAX_DOCUMENT_BYTES // MEGABYTE},
        413,
        "/gui-tin",
    )


async def _uploaded(site: Site, upload: web.FileField) -> StoredFile | str:
    data = await asyncio.to_thread(upload.file.read)  # the form's limit bounds it
    judged = judge_upload(texts(), data, upload.filename or "")
    if not isinstance(judged, Accepted):
        return judged
    stored = judged.stored
    # Kept at once (content-addressed: the same file twice is one copy); a preview
    # never sent leaves a file no row names, which the daily sweep removes.
    await asyncio.to_thread(site.evidence.put, judged.data, stored["sha256"], stored["extension"])
    return stored


def carried_file(site: Site, form: Form) -> StoredFile | str | None:
    """The file the preview stored, named by the form's hidden fields."""
    sha256, extension = str(form.get("file_sha256", "")), str(form.get("file_extension", ""))
    if not sha256:
        return None
    _ = texts()
    if (
        not FILE_PATTERN.fullmatch(f"{sha256}.{extension}")
        or extension not in EXTENSIONS
        or not site.evidence.has(sha256, extension)
    ):
        return _("Tệp gửi kèm không còn trên máy chủ; hãy chọn lại tệp.")
    return {
        "sha256": sha256,
        "extension": extension,
        "name": str(form.get("file_name", "")).strip()[:NAME_LIMIT] or f"tep.{extension}",
        "kind": "photo" if extension in PHOTO_TYPES.values() else "document",
    }


async def attached_file(site: Site, form: Form) -> StoredFile | str | None:
    """The file the form sends with the broadcast: a new upload, else the one chosen
    before (the preview's), else None ("bỏ tệp" ticked, or none); or why it cannot go."""
    upload = form.get("file")
    if isinstance(upload, web.FileField) and upload.filename:
        return await _uploaded(site, upload)
    if form.get("file_remove"):
        return None
    return carried_file(site, form)


def _response(site: Site, stored: StoredFile, inline: bool) -> web.StreamResponse:
    path = site.evidence.path(stored["sha256"], stored["extension"])
    if not path.is_file():
        raise web.HTTPNotFound()
    how = "inline" if inline else "attachment"
    name = stored["name"] or path.name
    return web.FileResponse(
        path,
        headers={
            "Content-Disposition": f"{how}; filename*=UTF-8''{quote(name)}",
            # Content-addressed: the bytes behind a name never change.
            "Cache-Control": "private, max-age=86400, immutable",
        },
    )


async def public_file(request: web.Request) -> web.StreamResponse:
    """A sent broadcast's file, for platforms that fetch files by URL."""
    found = FILE_PATTERN.fullmatch(request.match_info["name"])
    if found is None:
        raise web.HTTPNotFound()
    site = site_of(request)
    async with site.database.session() as session:
        stored = await broadcast_file(session, found["sha256"], found["extension"])
    if stored is None:
        raise web.HTTPNotFound()
    inline = stored["kind"] == "photo" or stored["extension"] == "pdf"
    return _response(site, stored, inline)


@page
async def preview_photo(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """The photo being composed, shown in the preview to an admin."""
    if (refused := admin_only(viewer)) is not None:
        return refused
    found = FILE_PATTERN.fullmatch(request.match_info["name"])
    if found is None or found["extension"] not in PHOTO_TYPES.values():
        raise web.HTTPNotFound()
    stored: StoredFile = {
        "sha256": found["sha256"],
        "extension": found["extension"],
        "name": "",
        "kind": "photo",
    }
    return _response(site_of(request), stored, inline=True)


def routes() -> list[web.RouteDef]:
    return [
        web.get(FILE_PATH + "/{name}", public_file),
        web.get(PREVIEW_PATH + "/{name}", preview_photo),
    ]
