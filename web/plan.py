"""The plan page: upload a plan file (or a plan document, turned into a draft as
`loa import` does), see `loa check`'s problems with their line numbers or the diff of
what loading it would change (content/plan_diff.py), then apply it (the same
`save_plan` as `loa load`); download the progress XLSX and the draft báo cáo.

The text travels in the form (an editable textarea), not in server memory: applying
checks it again, so what is stored is exactly what was checked.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

from aiohttp import web
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.document_text import SUFFIXES, DocumentError, read_document
from bot.reports.bao_cao import report_bytes, report_file_name
from bot.reports.progress_export import write_xlsx
from bot.reports.progress_sections import plan_section
from bot.reports.report_data import gather
from bot.storage.plan_cache import stored_plan
from bot.storage.plans import save_plan
from content.catalogues import available_provinces, catalogue
from content.i18n import current_language
from content.plan import Plan, merge_admins
from content.plan_diff import diff_plans
from content.plan_import import read_plan_document
from content.plan_import.draft import DraftError, render_draft
from content.plan_loader import PlanError, PlanProblem, parse_plan
from content.plan_yaml import MAX_PLAN_BYTES, YamlProblems, decode_plan
from web.site import (
    Handler,
    Site,
    Viewer,
    admin_only,
    not_yours,
    page,
    render,
    site_of,
    texts,
)

PLAN_SUFFIXES = (".yaml", ".yml")
Download = tuple[bytes, str] | None  # the file's bytes and name


def _draft_from_document(name: str, data: bytes) -> str:
    """A draft plan from a plan document, as `loa import` makes it."""
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        lines = read_document(path)
    result = read_plan_document(lines)
    everything = catalogue(include=("national", *available_provinces()))
    return render_draft(result, name, catalogue=everything)


def _checked(text: str, name: str) -> tuple[Plan | None, list[PlanProblem]]:
    try:
        return parse_plan(text, source_name=name), []
    except PlanError as error:
        return None, error.problems


def _may_load(request: web.Request, viewer: Viewer, plan: Plan, stored: Plan | None) -> bool:
    """An admin may reload a plan they administer, or load a new one naming them (or
    any plan, for LOA_ADMINS)."""
    if stored is not None:
        return viewer.access.administers(plan.id)
    admins = merge_admins(plan, site_of(request).extra_admins)
    return any(str(admin) == viewer.address for admin in admins)


@page
async def plan_page(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    if (refused := admin_only(viewer)) is not None:
        return refused
    return render(
        "plan.html", viewer, plans=viewer.access.admin_plans, result=None, text="", name=""
    )


async def _result_page(
    request: web.Request, viewer: Viewer, text: str, name: str, note: str = ""
) -> web.Response:
    site = site_of(request)
    plan, problems = _checked(text, name)
    diff = stored = None
    if plan is not None:
        async with site.database.session() as session:
            stored = await stored_plan(session, plan.id)
        diff = diff_plans(stored, plan)
    return render(
        "plan.html",
        viewer,
        plans=viewer.access.admin_plans,
        result={
            "plan": plan,
            "problems": problems,
            "problem_lines": {problem.line for problem in problems},
            "diff": diff,
            "new": stored is None,
            "allowed": plan is not None and _may_load(request, viewer, plan, stored),
            "note": note,
        },
        text=text,
        name=name,
        status=200 if plan is not None else 422,
    )


@page
async def check(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    if (refused := admin_only(viewer)) is not None:
        return refused
    _ = texts()
    form = await request.post()
    upload = form.get("file")
    note = ""
    if isinstance(upload, web.FileField) and upload.filename:
        name = Path(upload.filename).name
        data = upload.file.read(MAX_PLAN_BYTES + 1)
        suffix = Path(name).suffix.lower()
        if suffix not in PLAN_SUFFIXES and suffix in SUFFIXES:
            try:
                text = await asyncio.to_thread(_draft_from_document, name, data)
            except (DocumentError, DraftError) as error:
                return _refused(viewer, _("Không đọc được tài liệu: %(why)s") % {"why": error})
            note = _(
                "Đây là bản nháp đọc từ tài liệu «%(name)s»: sửa những dòng «cần xem lại» "
                "rồi kiểm tra lại."
            ) % {"name": name}
            name = Path(name).stem + ".yaml"
        else:
            try:
                text = decode_plan(data)
            except YamlProblems as error:
                problems = "; ".join(f"{p.line}: {p.message}" for p in error.problems)
                return _refused(viewer, problems)
    else:
        text = str(form.get("text", ""))
        name = Path(str(form.get("name") or "ke-hoach.yaml")).name
        if len(text.encode("utf-8")) > MAX_PLAN_BYTES:
            return _refused(viewer, _("Tệp kế hoạch quá lớn."))
    return await _result_page(request, viewer, text, name, note)


def _refused(viewer: Viewer, message: str) -> web.Response:
    return render(
        "plan.html",
        viewer,
        plans=viewer.access.admin_plans,
        result={"error": message},
        text="",
        name="",
        status=422,
    )


@page
async def apply(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    if (refused := admin_only(viewer)) is not None:
        return refused
    form = await request.post()
    text = str(form.get("text", ""))
    name = Path(str(form.get("name") or "ke-hoach.yaml")).name
    plan, _problems = _checked(text, name)
    if plan is None:
        return await _result_page(request, viewer, text, name)
    site = site_of(request)
    async with site.database.session() as session:
        stored = await stored_plan(session, plan.id)
        if not _may_load(request, viewer, plan, stored):
            return not_yours(viewer)
        report = await save_plan(session, plan, text, site.now())
    return render(
        "plan.html",
        viewer,
        plans=viewer.access.admin_plans,
        result={"loaded": report.lines(current_language())},
        text="",
        name="",
    )


def _plan_of(request: web.Request, viewer: Viewer) -> Plan | None:
    plan_id = request.match_info["plan"]
    return viewer.access.plans_by_id.get(plan_id) if viewer.access.administers(plan_id) else None


async def _xlsx(session: AsyncSession, site: Site, plan: Plan, today: date) -> Download:
    section = await plan_section(session, plan.id, today, store=site.evidence)
    if section is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"tien-do-{plan.id}.xlsx"
        await asyncio.to_thread(write_xlsx, [section], path)
        return path.read_bytes(), path.name


async def _report(session: AsyncSession, site: Site, plan: Plan, today: date) -> Download:
    data = await gather(session, plan.id, as_of=today, store=site.evidence)
    if data is None:
        return None
    return await asyncio.to_thread(report_bytes, data), report_file_name(data)


def _download_page(
    make: Callable[[AsyncSession, Site, Plan, date], Awaitable[Download]],
) -> Handler:
    """A page that sends a file made from one of the viewer's plans as it is today."""

    @page
    async def download(request: web.Request, viewer: Viewer) -> web.StreamResponse:
        plan_id = request.match_info["plan"]
        if not viewer.access.administers(plan_id):
            return not_yours(viewer)
        plan = viewer.access.plans_by_id[plan_id]
        site = site_of(request)
        async with site.database.session() as session:
            made = await make(session, site, plan, site.now().astimezone(plan.tz).date())
        if made is None:
            raise web.HTTPNotFound()
        return _download(*made)

    return download


def _download(data: bytes, name: str) -> web.Response:
    response = web.Response(body=data, content_type="application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def routes() -> list[web.RouteDef]:
    return [
        web.get("/ke-hoach", plan_page),
        web.post("/ke-hoach/kiem-tra", check),
        web.post("/ke-hoach/ap-dung", apply),
        web.get("/ke-hoach/{plan}/tien-do.xlsx", _download_page(_xlsx)),
        web.get("/ke-hoach/{plan}/bao-cao.docx", _download_page(_report)),
    ]
