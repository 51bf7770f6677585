"""The timer display: it ticks in the browser, so an open page costs the server nothing.

The server renders the time the timer has run at this moment (core.timer.elapsed with the
server's clock) and whether it runs; the browser counts on from there with its own
monotonic clock. No server rerun happens while it ticks (no st.fragment(run_every)), so
nothing can interrupt typing in a text field, and a skewed clock on the user's machine
cannot shift the time. A reload renders again from the start time stored with the
conversation, so it shows the right time.

The snippet holds numbers and content strings only, never user text, and writes them
with textContent.
"""

import json

import streamlit as st

from core import timer

HEIGHT_PX = 84
_TEMPLATE = """<!doctype html>
<html><head><meta charset="utf-8"><style>
  :root { color-scheme: light dark; }
  body { margin: 0; font-family: "Source Sans Pro", "Source Sans 3", system-ui, sans-serif; }
  .box { display: flex; align-items: baseline; gap: .9rem; padding: .55rem .9rem;
         border-radius: .5rem; border: 1px solid var(--edge); background: var(--bg);
         color: var(--fg); transition: background-color 1.5s, border-color 1.5s; }
  .clock { font-size: 2.4rem; font-variant-numeric: tabular-nums; letter-spacing: .02em; }
  .of { font-size: 1.05rem; opacity: .7; }
  .state { font-size: 1.05rem; }
  .box[data-level="ok"] { --bg: #f4f7f5; --edge: #d5e2da; --fg: #24453a; }
  .box[data-level="target"] { --bg: #fbf5e6; --edge: #ecdcb0; --fg: #5d4a12; }
  .box[data-level="limit"] { --bg: #f9eeea; --edge: #e8cfc6; --fg: #6b3a2c; }
  .dark .box[data-level="ok"] { --bg: #1f2a25; --edge: #35473e; --fg: #cfe3d8; }
  .dark .box[data-level="target"] { --bg: #2d2818; --edge: #52472a; --fg: #eadfb8; }
  .dark .box[data-level="limit"] { --bg: #2f211d; --edge: #573a31; --fg: #efcfc4; }
</style></head>
<body class="__THEME__">
<div class="box" id="trivsel-timer" role="timer" data-level="ok">
  <span class="clock" id="trivsel-timer-clock">00:00</span>
  <span class="of" id="trivsel-timer-target"></span>
  <span class="state" id="trivsel-timer-state"></span>
</div>
<script>
  const cfg = __CONFIG__;
  const loaded = performance.now();
  const box = document.getElementById("trivsel-timer");
  const clock = document.getElementById("trivsel-timer-clock");
  const label = document.getElementById("trivsel-timer-state");
  function seconds() {
    return cfg.elapsed + (cfg.running ? (performance.now() - loaded) / 1000 : 0);
  }
  function mmss(total) {
    const whole = Math.floor(total);
    const pad = (n) => String(n).padStart(2, "0");
    return pad(Math.floor(whole / 60)) + ":" + pad(whole % 60);
  }
  function draw() {
    const s = seconds();
    const level = s >= cfg.limit ? "limit" : s >= cfg.target ? "target" : "ok";
    let state = cfg.running ? "running" : (s > 0 ? "paused" : "idle");
    if (cfg.running && level === "target") state = "past_target";
    if (cfg.running && level === "limit") state = "past_limit";
    clock.textContent = mmss(s);
    label.textContent = cfg.labels[state];
    box.dataset.level = level;
    box.dataset.state = state;
  }
  document.getElementById("trivsel-timer-target").textContent = "/ " + mmss(cfg.target);
  draw();
  if (cfg.running) setInterval(draw, 250);
</script>
</body></html>
"""


def clock(seconds: float) -> str:
    """mm:ss, as the timer shows it."""
    whole = int(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def snippet(
    running_timer: timer.Timer,
    now: float,
    target_s: float,
    limit_s: float,
    labels: dict[str, str],
    dark: bool = False,
) -> str:
    """The HTML of the display (separate from render() so it can be checked in a test)."""
    config = {
        "elapsed": round(timer.elapsed(running_timer, now), 3),
        "running": running_timer.running,
        "target": target_s,
        "limit": limit_s,
        "labels": {state: labels[state] for state in timer.STATES},
    }
    # json.dumps keeps it a plain JS object; "</" is escaped so no string can end the script.
    data = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
    return _TEMPLATE.replace("__CONFIG__", data).replace("__THEME__", "dark" if dark else "")


def render(
    running_timer: timer.Timer,
    now: float,
    target_s: float,
    limit_s: float,
    labels: dict[str, str],
    title: str,
) -> None:
    """Show the ticking timer. `labels` names each state of core.timer.STATES."""
    dark = getattr(st.context.theme, "type", None) == "dark"
    html = snippet(running_timer, now, target_s, limit_s, labels, dark)
    st.iframe(html, height=HEIGHT_PX, alt=title)
