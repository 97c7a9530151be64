// Loa's web page: sortable tables and the broadcast report's live refresh. No build step.
"use strict";

function sortable(table) {
  const headers = table.tHead ? Array.from(table.tHead.rows[0].cells) : [];
  headers.forEach((th, column) => {
    th.setAttribute("aria-sort", "none");
    th.addEventListener("click", () => {
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      headers.forEach((other) => other.setAttribute("aria-sort", "none"));
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const body = table.tBodies[0];
      const key = (row) => {
        const cell = row.cells[column];
        const text = cell ? (cell.dataset.sort || cell.textContent.trim()) : "";
        const number = Number(text);
        return Number.isNaN(number) || text === "" ? text : number;
      };
      const rows = Array.from(body.rows).sort((a, b) => {
        const x = key(a), y = key(b);
        const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "vi");
        return ascending ? order : -order;
      });
      rows.forEach((row) => body.appendChild(row));
    });
  });
}

function poll(report) {
  const url = report.dataset.poll;
  const status = document.getElementById("status");
  const tick = async () => {
    if (status && status.dataset.done === "yes") return;
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      for (const [name, value] of Object.entries(data.counts)) {
        const cell = report.querySelector(`[data-count="${name}"]`);
        if (cell) cell.textContent = value;
      }
      const body = document.getElementById("rows");
      body.replaceChildren(...data.rows.map((row) => {
        const tr = document.createElement("tr");
        tr.className = `d-${row.state}`;
        for (const text of [row.unit, row.address, row.error ? `${row.label}: ${row.error}` : row.label]) {
          const td = document.createElement("td");
          td.textContent = text;
          tr.appendChild(td);
        }
        return tr;
      }));
      if (data.done && status) {
        status.dataset.done = "yes";
        status.textContent = status.dataset.doneText || "✓";
        return;
      }
    } catch (error) { /* the next tick tries again */ }
    setTimeout(tick, 2000);
  };
  setTimeout(tick, 1000);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("table.sortable").forEach(sortable);
  const report = document.querySelector("[data-poll]");
  if (report) poll(report);
});
