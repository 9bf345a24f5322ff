"""A real browser for the HTML reports: Debian's headless Chromium, run as a subprocess.

What the page asks of the network is seen by a recording proxy on 127.0.0.1 that every
request of the browser (loopback included) goes through and that answers none; what it says on
its console is read from Chromium's log. Chromium's own background services (its component
updater and account check at Google) still call out whatever the flags say: those exact hosts
are set aside, nothing else.
"""

from __future__ import annotations

import io
import re
import shutil
import socketserver
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

CHROMIUM_OWN_HOSTS = {"update.googleapis.com", "accounts.google.com", "clients2.google.com",
                      "redirector.gvt1.com"}
QUIET = ["--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--disable-default-apps", "--no-pings",
         "--disable-features=Translate,OptimizationHints,MediaRouter,SafeBrowsing"]


@dataclass(frozen=True)
class Rendered:
    picture: np.ndarray  # greyscale screenshot
    console: list[str]
    requests: list[str]  # request lines the page sent ("GET http://…", "CONNECT host:443")


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("headless Chromium is not installed (Debian package 'chromium'; .ci/run "
                    "installs it)")
    return found


class _Recorder(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        line = self.rfile.readline().decode("latin-1").strip()
        self.server.seen.append(line)  # type: ignore[attr-defined]
        self.wfile.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")


def _host(request: str) -> str:
    target = request.split(" ")[1] if " " in request else request
    target = target.split("://", 1)[-1]
    return target.split("/", 1)[0].split(":", 1)[0]


def render(page: Path, width: int = 1000, height: int = 3000) -> Rendered:
    binary = chromium()
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Recorder)
    server.seen = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with tempfile.TemporaryDirectory() as profile:
            shot = Path(profile) / "shot.png"
            done = subprocess.run(
                [binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                 f"--user-data-dir={profile}/data",
                 f"--proxy-server=http://127.0.0.1:{server.server_address[1]}",
                 "--proxy-bypass-list=<-loopback>", *QUIET,
                 "--enable-logging=stderr", "--v=0", f"--window-size={width},{height}",
                 f"--screenshot={shot}", page.resolve().as_uri()],
                capture_output=True, text=True, timeout=180)
            assert shot.exists(), done.stderr[-2000:]
            picture = np.asarray(Image.open(io.BytesIO(shot.read_bytes())).convert("L"))
    finally:
        server.shutdown()
        server.server_close()
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    requests = [r for r in server.seen if _host(r) not in CHROMIUM_OWN_HOSTS]  # type: ignore[attr-defined]
    return Rendered(picture, console, requests)


def assert_renders_cleanly(page: Path, width: int = 1000) -> Rendered:
    """Not blank, nothing on the console, nothing asked of the network."""
    shown = render(page, width)
    drawn = (shown.picture < 200).mean()
    assert drawn > 0.003, f"the screenshot of {page.name} is (nearly) blank"
    assert len(np.unique(shown.picture)) > 8, "only a few shades: no text or figure drawn"
    assert shown.console == [], shown.console
    assert shown.requests == [], shown.requests
    return shown


NAMESPACES = ("http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink")
# a "//" after a quote, bracket, space or "=" (not inside base64 data), or after http(s):
ADDRESS = re.compile(r"(?:https?:|(?<=[\"'(\s=]))//[\w.-]+"
                     r"|\burl\(\s*['\"]?(?!data:|#)[^)]*\)|@import", re.IGNORECASE)


def external_addresses(source: str) -> list[str]:
    """Anything in the HTML that could fetch from elsewhere: web addresses (the SVG namespace
    names aside), CSS ``url()`` that is not inline data or a fragment, ``@import``."""
    for name in NAMESPACES:
        source = source.replace(f'"{name}"', '""')
    return ADDRESS.findall(source)
