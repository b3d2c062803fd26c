// The availability grid, improved: a tap or click toggles a box, a drag (finger or mouse) marks
// several, and the keyboard moves inside the grid, which is one tab stop (roving tabindex).
// The chosen times are written out in words under the grid, and the help says how to use it
// the way the person is using it. Without this script the grid is plain checkboxes.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  const ROWS = 48; // half hours in a day
  const DAYS = 7;
  const MORNING = 16; // 08:00, shown first when nothing is chosen yet
  const MOVES = {
    ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1],
    PageUp: [-4, 0], PageDown: [4, 0], Home: [0, -DAYS], End: [0, DAYS],
  };

  function hhmm(row) {
    const hours = Math.floor(row / 2);
    return String(hours).padStart(2, "0") + (row % 2 ? ":30" : ":00");
  }

  function clamp(value, top) {
    return Math.min(top - 1, Math.max(0, value));
  }

  class Grid {
    constructor(fieldset) {
      this.fieldset = fieldset;
      this.table = fieldset.querySelector("[data-availability-grid]");
      this.help = fieldset.querySelector("[data-availability-help]");
      this.chosen = fieldset.querySelector("[data-availability-chosen]");
      this.dayNames = Array.from(this.table.tHead.rows[0].cells).slice(1).map((th) => th.textContent.trim());
      this.boxes = Array.from({ length: ROWS }, () => []); // boxes[row][day]
      for (const box of this.table.querySelectorAll("input[type=checkbox]")) {
        const { row, day } = this.place(box);
        this.boxes[row][day] = box;
        box.tabIndex = -1;
      }
      this.current = null; // the one box in the tab order
      this.painting = null; // the state a pointer drag paints, or null
      this.keyboard = false; // whether the last thing the person did was press a key
    }

    place(box) {
      const slot = Number(box.value);
      return { row: slot % ROWS, day: Math.floor(slot / ROWS) };
    }

    makeCurrent(box) {
      if (this.current) this.current.tabIndex = -1;
      this.current = box;
      box.tabIndex = 0;
    }

    set(box, on) {
      if (box.checked === on) return;
      box.checked = on;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    }

    // "Mon 19:00–21:00, Thu 20:00–22:30", as the server writes it.
    describe() {
      const parts = [];
      for (let day = 0; day < DAYS; day++) {
        let start = null;
        for (let row = 0; row <= ROWS; row++) {
          const on = row < ROWS && this.boxes[row][day].checked;
          if (on && start === null) start = row;
          if (!on && start !== null) {
            parts.push(`${this.dayNames[day]} ${hhmm(start)}\u2013${hhmm(row)}`);
            start = null;
          }
        }
      }
      const words = parts.flatMap((part, i) => {
        const span = document.createElement("span");
        span.className = "time-range";
        span.textContent = part;
        return i ? [", ", span] : [span];
      });
      this.chosen.replaceChildren(...(words.length ? words : [this.chosen.dataset.none]));
    }

    useHelp(way) {
      if (this.fieldset.dataset.input === way) return;
      this.fieldset.dataset.input = way;
      this.help.textContent = this.help.dataset[way];
    }

    // The earliest chosen time (or 08:00) becomes the first row in view and the tab stop.
    openAtFirstChoice() {
      let first = this.boxes.findIndex((row) => row.some((box) => box.checked));
      if (first < 0) first = MORNING;
      const box = this.boxes[first].find((b) => b.checked) || this.boxes[first][0];
      this.makeCurrent(box);
      const scroller = this.table.parentElement;
      const header = this.table.tHead.getBoundingClientRect().height;
      const top = box.closest("tr").getBoundingClientRect().top;
      scroller.scrollTop += top - scroller.getBoundingClientRect().top - header;
    }

    boxAt(event) {
      const el = document.elementFromPoint(event.clientX, event.clientY);
      const label = el && el.closest("label");
      return label && this.table.contains(label) ? label.querySelector("input") : null;
    }

    pointerDown(event) {
      const mouse = event.pointerType === "mouse";
      this.useHelp(mouse ? "mouse" : "touch");
      const box = this.boxAt(event);
      if (!box || event.button !== 0) return;
      event.preventDefault(); // no text selection and no emulated mouse events
      this.painting = !box.checked;
      this.set(box, this.painting);
      this.makeCurrent(box);
      if (mouse) box.focus({ preventScroll: true }); // the keyboard can go on from here
    }

    pointerMove(event) {
      if (this.painting === null) return;
      const box = this.boxAt(event);
      if (!box) return;
      this.set(box, this.painting);
      this.makeCurrent(box);
      if (event.pointerType === "mouse") box.focus({ preventScroll: true });
    }

    keyDown(event) {
      const move = MOVES[event.key];
      const box = event.target;
      if (!move || event.altKey || event.ctrlKey || event.metaKey || box.type !== "checkbox") return;
      event.preventDefault();
      const from = this.place(box);
      const to = { row: clamp(from.row + move[0], ROWS), day: clamp(from.day + move[1], DAYS) };
      if (event.shiftKey) this.paintLine(from, to, box.checked);
      this.makeCurrent(this.boxes[to.row][to.day]);
      this.current.focus();
    }

    // Shift with an arrow key: every box passed over takes the state of the box left behind.
    paintLine(from, to, on) {
      const step = [Math.sign(to.row - from.row), Math.sign(to.day - from.day)];
      let { row, day } = from;
      while (row !== to.row || day !== to.day) {
        row += step[0];
        day += step[1];
        this.set(this.boxes[row][day], on);
      }
    }

    listen() {
      this.table.addEventListener("pointerdown", (e) => this.pointerDown(e));
      this.table.addEventListener("pointermove", (e) => this.pointerMove(e));
      for (const type of ["pointerup", "pointercancel"]) {
        document.addEventListener(type, () => { this.painting = null; });
      }
      // The pointer handlers toggled the box already: the label's own click must not undo it.
      // A click that no pointer made (detail 0: Space, assistive technology) goes through.
      this.table.addEventListener("click", (e) => {
        if (e.detail > 0 && e.target.closest("label")) e.preventDefault();
      });
      this.table.addEventListener("keydown", (e) => this.keyDown(e));
      // Tab or an arrow key brought the focus: say how the keyboard works.
      document.addEventListener("keydown", () => { this.keyboard = true; }, true);
      document.addEventListener("pointerdown", () => { this.keyboard = false; }, true);
      this.table.addEventListener("focusin", (e) => {
        if (this.keyboard) this.useHelp("keyboard");
        if (e.target.type === "checkbox") this.makeCurrent(e.target);
      });
      this.fieldset.addEventListener("change", () => this.describe());
    }
  }

  for (const fieldset of document.querySelectorAll("[data-availability]")) {
    const grid = new Grid(fieldset);
    grid.listen();
    grid.useHelp(window.matchMedia("(pointer: coarse)").matches ? "touch" : "mouse");
    grid.describe();
    grid.openAtFirstChoice();
  }
})();
