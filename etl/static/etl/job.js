// Polls the job until it has finished, then reloads once to show the summary and the report link.
(function () {
  const status = document.getElementById("import-status");
  if (!status || status.dataset.finished === "true") return;
  const poll = async () => {
    const response = await fetch(status.dataset.url, { credentials: "same-origin" });
    if (!response.ok) return;
    const job = await response.json();
    document.getElementById("import-status-label").textContent = job.status_label;
    document.getElementById("import-phase").textContent = job.phase_label;
    document.getElementById("import-progress").value = job.percent;
    document.getElementById("import-count").textContent = `${job.done} / ${job.total}`;
    if (job.status === "done" || job.status === "failed") window.location.reload();
    else setTimeout(poll, 1000);
  };
  setTimeout(poll, 1000);
})();
