// The jbert demo page: reads /info, sends the text to /predict (or /zero-shot), draws the scores as bars.
// No libraries, nothing loaded from elsewhere. The page's state is in <body data-state>: loading, ready,
// busy, done or error (the browser test waits on it).
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  let info = null;
  let mode = "predict";

  function setState(state, message, isError) {
    document.body.dataset.state = state;
    const status = $("status");
    status.textContent = message || "";
    status.classList.toggle("error", Boolean(isError));
  }

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function describeModel() {
    const m = $("model");
    m.textContent = "";
    m.append("Model ", el("code", null, info.model), " \u00b7 " + info.model_type + " \u00b7 "
      + info.labels.length + " labels \u00b7 " + info.problem_type.replace(/_/g, " ")
      + " \u00b7 up to " + info.max_length + " tokens");
  }

  function legend() {
    if (mode === "zero-shot") {
      return $("multi-label").checked
        ? "Each candidate label scored on its own (entailment against contradiction); labels at or over "
          + info.threshold + " are marked."
        : "Scores across the candidate labels sum to 1; the best one is marked.";
    }
    return info.multi_label
      ? "Multi-label model: every label scoring at or over the threshold " + info.threshold + " is marked."
      : "Scores (" + info.score_function + ") of every label; the predicted one is marked.";
  }

  function drawBars(pairs, marked, note) {
    const bars = $("bars");
    bars.textContent = "";
    pairs.forEach(function (p, i) {
      const row = el("div", "bar-row");
      row.dataset.label = p.label;
      row.dataset.score = String(p.score);
      if (marked(p, i)) row.classList.add("marked");
      const name = el("span", "bar-label", p.label);
      name.title = p.label;
      const track = el("div", "bar-track");
      const fill = el("div", "bar-fill");
      fill.style.width = (Math.max(0, Math.min(1, p.score)) * 100).toFixed(1) + "%";
      track.append(fill);
      row.append(name, track, el("span", "bar-score", p.score.toFixed(3)));
      bars.append(row);
    });
    if (note) bars.append(el("p", "note", note));
    $("legend").textContent = legend();
  }

  async function post(path, body) {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    let json = null;
    try {
      json = await response.json();
    } catch (e) {
      throw new Error("HTTP " + response.status + " (no JSON in the answer)");
    }
    if (!response.ok) throw new Error(json && json.error ? json.error : "HTTP " + response.status);
    return json;
  }

  const TRUNCATED = "The text was longer than the model takes: only its first tokens were read.";

  async function classify() {
    const text = $("text").value;
    if (!text.trim()) {
      setState("error", "Type a text first.", true);
      return;
    }
    $("classify").disabled = true;
    setState("busy", "Classifying\u2026");
    const started = performance.now();
    try {
      if (mode === "zero-shot") {
        const multi = $("multi-label").checked;
        const r = await post("/zero-shot", { text: text, labels: $("labels").value, multi_label: multi });
        const pairs = r.labels.map((label, i) => ({ label: label, score: r.scores[i] }));
        drawBars(pairs, (p, i) => (multi ? p.score >= info.threshold : i === 0), r.truncated ? TRUNCATED : "");
      } else {
        const r = await post("/predict", { text: text });
        drawBars(r.predictions, (p, i) => (info.multi_label ? p.score >= info.threshold : i === 0),
          r.truncated ? TRUNCATED : "");
      }
      setState("done", "Done in " + Math.round(performance.now() - started) + " ms.");
    } catch (e) {
      setState("error", e.message, true);
    } finally {
      $("classify").disabled = false;
    }
  }

  function setMode(m) {
    mode = m;
    document.querySelectorAll(".mode").forEach((b) => b.classList.toggle("active", b.dataset.mode === m));
    $("zero-shot-fields").hidden = m !== "zero-shot";
    $("bars").textContent = "";
    $("bars").append(el("p", "empty", "No scores yet."));
    $("legend").textContent = legend();
  }

  function addExamples() {
    const box = $("examples");
    (info.examples || []).forEach(function (text) {
      const b = el("button", "example", text);
      b.type = "button";
      b.title = text;
      b.addEventListener("click", function () {
        $("text").value = text;
        $("text").focus();
      });
      box.append(b);
    });
    box.hidden = !info.examples || info.examples.length === 0;
  }

  async function start() {
    $("classify").addEventListener("click", classify);
    $("text").addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) classify();
    });
    document.querySelectorAll(".mode").forEach((b) => b.addEventListener("click", () => setMode(b.dataset.mode)));
    $("multi-label").addEventListener("change", () => { $("legend").textContent = legend(); });
    try {
      const response = await fetch("/info");
      info = await response.json();
      if (!response.ok) throw new Error(info.error || "HTTP " + response.status);
    } catch (e) {
      $("model").textContent = "Cannot reach the server: " + e.message;
      setState("error", "", true);
      return;
    }
    describeModel();
    addExamples();
    $("modes").hidden = !info.zero_shot;
    $("legend").textContent = legend();
    setState("ready", "");
  }

  start();
})();
