"""Chromium driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``), for the
tests that open pages in a real headless browser: :class:`DevTools` starts the browser,
:class:`Tab` opens a page in it and evaluates, waits, types and takes screenshots."""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from test_browser import CHROMIUM, FLAGS, SHOTS, SIZES, _require_chromium


class DevTools:
    """Chromium driven over the DevTools protocol on a pipe: JSON messages ending in NUL, sent
    on the browser's fd 3 and read from its fd 4."""

    def __init__(self, profile: Path, *flags: str) -> None:
        _require_chromium()
        to_browser, self._in = os.pipe()
        self._out, from_browser = os.pipe()
        command = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *flags]
        command.append("--remote-debugging-pipe")

        # Fds 3 and 4 are open here (the pipes took them if nothing had), so pass_fds keeps them.
        def fds() -> None:  # in the child: its fd 3 and 4 become the pipes' ends
            reads, writes = (
                fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_browser, from_browser)
            )
            os.dup2(reads, 3)
            os.dup2(writes, 4)

        self.process = subprocess.Popen(
            command,
            pass_fds=(3, 4),
            preexec_fn=fds,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser)
        os.close(from_browser)
        self._next = 0
        self._buffer = b""
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._in, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next:
                assert "error" not in reply, reply
                return dict(reply.get("result", {}))
            self.events.append(reply)

    def _read(self, seconds: float = 60) -> dict[str, Any]:
        """The next message, or a failure if Chromium sends nothing for ``seconds``."""
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._out], [], [], seconds)
            assert ready, f"Chromium sent nothing for {seconds:.0f} s"
            chunk = os.read(self._out, 1 << 16)
            assert chunk, "Chromium closed the DevTools pipe"
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return dict(json.loads(message))

    def close(self) -> None:
        os.close(self._in)
        os.close(self._out)
        self.process.terminate()
        self.process.wait(timeout=10)


class Tab:
    """One page of a :class:`DevTools` browser."""

    def __init__(self, browser: DevTools, url: str) -> None:
        self.browser = browser
        target = browser.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = browser.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        self.call("Network.enable")
        self.call("Page.navigate", url=url)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        return self.browser.call(method, self.session, **params)

    def value(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def wait_for(self, expression: str, seconds: float = 20) -> Any:
        """The value of ``expression`` once it is truthy."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = self.value(expression)
            if value:
                return value
            time.sleep(0.1)
        pytest.fail(f"never true in the page: {expression}")

    def requested(self) -> list[str]:
        return [
            e["params"]["request"]["url"]
            for e in self.browser.events
            if e.get("method") == "Network.requestWillBeSent"
        ]

    def screenshot(self, size: str, name: str = "query") -> Path:
        """The page at one of test_browser's sizes, kept as ``screenshots/NAME-SIZE.png``."""
        width, height = SIZES[size]
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=size == "phone")  # fmt: skip
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = SHOTS / f"{name}-{size}.png"
        shot.write_bytes(base64.b64decode(self.call("Page.captureScreenshot")["data"]))
        return shot

    def key(self, key: str, code: int, modifiers: int = 0) -> None:
        for kind in ("rawKeyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=kind, key=key, code=key,
                      windowsVirtualKeyCode=code, modifiers=modifiers)  # fmt: skip
