// Warns a minute before the idle sign-out (BAIRN_IDLE_MINUTES), then reloads the page
// when the time is up so that the server signs the person out and asks them to sign in
// again. Like the server's clock, it restarts with every request (typing in a form sends
// its draft, which is one).
export function watchIdle(doc = document) {
  const minutes = Number(doc.body.dataset.idleMinutes || 0);
  if (!minutes) return;
  const warning = doc.getElementById("bairn-idle-warning");
  let warnAt = null;
  let outAt = null;
  const arm = () => {
    clearTimeout(warnAt);
    clearTimeout(outAt);
    if (warning) warning.hidden = true;
    warnAt = setTimeout(() => {
      if (warning) warning.hidden = false;
    }, Math.max(minutes - 1, 0.5) * 60_000);
    outAt = setTimeout(() => window.location.reload(), minutes * 60_000 + 2_000);
  };
  // The server's clock restarts with each request; a kept draft is one.
  doc.addEventListener("bairn:request", arm);
  arm();
}
