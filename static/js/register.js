// Taking a register with the keyboard: roving focus over the pupils' code pickers, a key
// per code, arrival times turned into L or U, live counts and an announcement of each
// change. The page works without this file; it only makes the plain form quicker.
(function () {
  "use strict";
  const form = document.getElementById("register-form");
  const data = document.getElementById("register-codes");
  if (!form || !data) return;

  const codes = JSON.parse(data.textContent);
  const present = form.dataset.present;
  const announcer = document.getElementById("register-announcer");
  const rows = Array.from(form.querySelectorAll("tr.register-row"));
  const selects = rows.map((row) => row.querySelector("select.code-select"));
  const LATE = new Set(["L", "U"]);
  let buffer = "";
  let bufferTimer = null;

  form.classList.add("js");
  const keys = document.getElementById("register-keys");
  if (keys) keys.hidden = false;

  // "09:05", "9.05", "0905" or "905", as registers/register_rules.py parse_clock reads them.
  function minuteOfDay(text) {
    const match = /^\s*(\d{1,2})[:.h]?(\d{2})\s*$/.exec(text || "");
    if (!match || Number(match[1]) > 23 || Number(match[2]) > 59) return null;
    return Number(match[1]) * 60 + Number(match[2]);
  }
  const opens = minuteOfDay(form.dataset.opens);
  const closes = minuteOfDay(form.dataset.closes);

  function nameOf(row) {
    return row.querySelector("th[scope=row]").firstChild.textContent.trim();
  }

  function describe(code) {
    return code ? code + ", " + codes[code].meaning : "not marked";
  }

  function announce(text) {
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = text; }, 30);
  }

  function refreshRow(row) {
    const select = row.querySelector("select.code-select");
    const code = select.value;
    const kind = code ? codes[code].kind : "unmarked";
    row.className = row.className.replace(/\bkind-\S+/, "kind-" + kind);
    const arrival = row.querySelector("input.arrival").value;
    const minutes = row.querySelector("input.minutes").value;
    row.classList.toggle("is-late", LATE.has(code) || Boolean(arrival || minutes));
  }

  function refreshCounts() {
    const counts = { present: 0, late: 0, absent: 0, not_counted: 0, unmarked: 0 };
    selects.forEach((s) => { counts[s.value ? codes[s.value].kind : "unmarked"] += 1; });
    Object.entries(counts).forEach(([kind, n]) => {
      const cell = form.querySelector('[data-count="' + kind + '"]');
      if (cell) cell.textContent = String(n);
    });
  }

  // After a row's code changed: arrival and minutes only go with L or U.
  function changed(index, quiet) {
    const row = rows[index];
    const code = selects[index].value;
    if (!LATE.has(code)) {
      row.querySelector("input.arrival").value = "";
      row.querySelector("input.minutes").value = "";
    }
    refreshRow(row);
    refreshCounts();
    if (!quiet) announce(nameOf(row) + ": " + describe(code));
  }

  function setCode(index, code, quiet) {
    selects[index].value = code;
    changed(index, quiet);
  }

  function focusRow(index) {
    if (index < 0 || index >= selects.length) return;
    selects.forEach((s, i) => { s.tabIndex = i === index ? 0 : -1; });
    selects[index].focus();
  }

  function startIndex() {
    const flagged = rows.findIndex((r) => r.classList.contains("has-error"));
    if (flagged >= 0) return flagged;
    const unmarked = selects.findIndex((s) => !s.value);
    return unmarked >= 0 ? unmarked : 0;
  }

  function typed(index, key) {
    window.clearTimeout(bufferTimer);
    if (key === "/" || key === "\\") {
      buffer = "";
      setCode(index, present);
      focusRow(index + 1);
      return;
    }
    const attempt = (buffer + key).toUpperCase();
    const prefixOf = (text) => Object.keys(codes).filter((c) => c.startsWith(text));
    buffer = prefixOf(attempt).length ? attempt : key.toUpperCase();
    const candidates = prefixOf(buffer);
    if (!candidates.length) {
      buffer = "";
      return;
    }
    bufferTimer = window.setTimeout(() => { buffer = ""; }, 1200);
    if (!codes[buffer]) return; // "Y" or "J": wait for the digit
    setCode(index, buffer);
    if (LATE.has(buffer)) {
      buffer = "";
      rows[index].querySelector("input.arrival").focus();
    } else if (candidates.length === 1) {
      buffer = "";
      focusRow(index + 1);
    }
  }

  selects.forEach((select, index) => {
    select.addEventListener("focus", () => {
      selects.forEach((s, i) => { s.tabIndex = i === index ? 0 : -1; });
    });
    select.addEventListener("change", () => changed(index, false));
    select.addEventListener("keydown", (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const moves = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: selects.length - 1 };
      if (event.key in moves) {
        event.preventDefault();
        focusRow(Math.max(0, Math.min(selects.length - 1, moves[event.key])));
      } else if (event.key === "Delete" || event.key === "Backspace") {
        event.preventDefault();
        setCode(index, "");
      } else if (event.key.length === 1 && event.key !== " ") {
        event.preventDefault();
        typed(index, event.key);
      }
    });
  });

  rows.forEach((row, index) => {
    const arrival = row.querySelector("input.arrival");
    const minutes = row.querySelector("input.minutes");
    arrival.addEventListener("change", () => {
      const at = minuteOfDay(arrival.value);
      if (at === null || opens === null || closes === null) {
        if (arrival.value.trim()) announce(nameOf(row) + ": enter the arrival time as hh:mm");
        return;
      }
      const pad = (n) => String(n).padStart(2, "0");
      arrival.value = pad(Math.floor(at / 60)) + ":" + pad(at % 60);
      const code = at <= opens ? present : at <= closes ? "L" : "U";
      selects[index].value = code;
      minutes.value = LATE.has(code) ? String(Math.max(0, at - opens)) : "";
      refreshRow(row);
      refreshCounts();
      const late = LATE.has(code) ? ", " + minutes.value + " minutes late" : "";
      announce(nameOf(row) + ": arrived " + arrival.value + ", " + describe(code) + late);
    });
    [arrival, minutes].forEach((input) => {
      input.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          input.dispatchEvent(new Event("change"));
          focusRow(index + 1 < rows.length ? index + 1 : index);
        } else if (event.key === "Escape") {
          event.preventDefault();
          focusRow(index);
        }
      });
    });
    minutes.addEventListener("input", () => refreshRow(row));
  });

  const fill = document.getElementById("fill-present");
  if (fill) {
    fill.addEventListener("click", (event) => {
      event.preventDefault();
      let filled = 0;
      rows.forEach((row, index) => {
        if (!selects[index].value && !row.querySelector("input.arrival").value) {
          setCode(index, present, true);
          filled += 1;
        }
      });
      announce("Marked " + filled + " unmarked pupils present (" + present + "). Check, then save.");
    });
  }

  // After a conflict, choosing "keep theirs" or "use mine" shows that mark in the row.
  form.querySelectorAll("fieldset.conflict").forEach((fieldset) => {
    const index = rows.findIndex((r) => r.dataset.pupil === fieldset.dataset.pupil);
    if (index < 0) return;
    fieldset.addEventListener("change", (event) => {
      const code = event.target.value === "theirs" ? fieldset.dataset.theirs : fieldset.dataset.mine;
      setCode(index, code);
    });
  });

  rows.forEach(refreshRow);
  refreshCounts();
  const first = startIndex();
  selects.forEach((s, i) => { s.tabIndex = i === first ? 0 : -1; });
})();
