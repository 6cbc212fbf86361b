// A form with data-confirm asks before it is sent. The Content-Security-Policy allows no
// inline handlers (onsubmit="…" is blocked, and the form was sent without asking).
document.addEventListener("submit", (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
