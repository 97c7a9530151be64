"""Renders pages of a sample báo cáo into docs/reports/ (dev-only, not run in CI).

The sample plan is loaded into a throw-away database; a few units confirm through the
store's own functions (one with a link, one with a photo Loa keeps), and `loa report`
writes the document, which LibreOffice turns into a PDF and pdftoppm into PNGs. It needs
LibreOffice Writer and poppler (Debian: `apt-get install libreoffice-writer-nogui
poppler-utils`); nothing else in Loa does. From the repository root:

    .venv/bin/python tools/make_report_page.py
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw

from bot.storage import evidence
from bot.storage.confirmations import confirm
from bot.storage.db import open_database
from bot.storage.files import FileStore
from bot.storage.plan_cache import plan_items
from bot.storage.plans import save_plan
from content.evidence import content_name
from content.plan_loader import load_plan

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "content" / "plans" / "sample-sldtbxh-laocai-2026.yaml"
OUT = ROOT / "docs" / "reports"
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
LINK = "https://sldtbxh.laocai.gov.vn/tin-tuc/ky-niem-8-3-2026"


def sample_photo() -> bytes:
    image = Image.new("RGB", (640, 420), "#b71c1c")
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 600, 380), outline="#ffd54f", width=8)
    draw.text((70, 190), "Pano tuyen truyen 8/3", fill="#ffd54f")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()


async def prepare(folder: Path) -> None:
    database = await open_database(f"sqlite:///{folder / 'loa.db'}")
    plan = load_plan(PLAN)
    store = FileStore(folder / "evidence")
    photo = sample_photo()
    digest = content_name(photo)
    store.put(photo, digest, "jpg")
    try:
        async with database.session() as session:
            await save_plan(session, plan, PLAN.read_text(encoding="utf-8"), NOW)
            done = [i for i in plan_items(plan) if i.role == "owner" and i.due <= NOW.date()]
            for number, item in enumerate(done):
                if number % 4 == 3:
                    continue  # some stay open, so the report has something to chase
                late = number % 5 == 1
                when = datetime.combine(item.due, datetime.min.time(), NOW.tzinfo)
                when = when.replace(hour=16) if not late else NOW.replace(hour=8)
                pieces = [LINK] if number % 3 == 0 else ["telegram-photo:AgADsample"]
                await confirm(
                    session,
                    item,
                    by="telegram:501",
                    by_name="Nguyễn Thị Lan",
                    channel="telegram",
                    chat_id="-1001234567890",
                    evidence=pieces,
                    now=when,
                )
                if pieces[0].startswith("telegram-photo:"):
                    await evidence.want(
                        session,
                        plan_id=plan.id,
                        item_key=item.key,
                        unit_id=item.unit_id,
                        files=[evidence.WantedFile(pieces[0], "AgADsample", "photo")],
                        channel="telegram",
                        chat_id="-1001234567890",
                        sent_by="telegram:501",
                        now=when,
                    )
            rows = await evidence.claim(session, "tools", NOW, ["telegram"], limit=1000)
            for row in rows:
                assert row.id is not None
                await evidence.mark_stored(
                    session,
                    row.id,
                    sha256=digest,
                    extension="jpg",
                    media_type="image/jpeg",
                    size=len(photo),
                    now=NOW,
                )
    finally:
        await database.close()


def main() -> int:
    if shutil.which("soffice") is None or shutil.which("pdftoppm") is None:
        print("needs soffice (LibreOffice) and pdftoppm (poppler-utils)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        asyncio.run(prepare(folder))
        env = {
            **os.environ,
            "LOA_DATABASE_URL": f"sqlite:///{folder / 'loa.db'}",
            "LOA_NOW": NOW.isoformat(),
        }
        document = folder / "bao-cao.docx"
        loa = [sys.executable, "-m", "bot", "report", "--from", "01/01/2026", "-o", str(document)]
        subprocess.run(loa, env=env, cwd=folder, check=True)
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder), document],
            check=True,
            capture_output=True,
        )
        OUT.mkdir(parents=True, exist_ok=True)
        for old in OUT.glob("trang-*.png"):
            old.unlink()
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "70",
                "-png",
                "-f",
                "1",
                "-l",
                "4",
                folder / "bao-cao.pdf",
                OUT / "trang",
            ],
            check=True,
        )
    print("\n".join(sorted(str(path.relative_to(ROOT)) for path in OUT.glob("trang-*.png"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
