// Progressive enhancement for the attendance list: filter the rows by name or organisation.
// Without JavaScript the filter stays hidden and the list works as a plain form.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-attendance-filter]");
  if (!box) {
    return;
  }
  box.classList.remove("d-none");
  const input = box.querySelector("input");
  input.addEventListener("input", () => {
    const term = input.value.trim().toLowerCase();
    document.querySelectorAll("[data-attendance-group]").forEach((group) => {
      let visible = 0;
      group.querySelectorAll("[data-attendance-row]").forEach((row) => {
        const match = !term || row.dataset.search.includes(term);
        row.hidden = !match;
        if (match) {
          visible += 1;
        }
      });
      group.hidden = visible === 0;
    });
  });
  // Enter in the filter must not submit the attendance form.
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
    }
  });
});
