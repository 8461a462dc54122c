// Progressive enhancements; every page works without this file.
// - search boxes suggest completions while typing (/api/suggest), navigable with the keyboard;
// - the filter panel starts folded on narrow screens;
// - a document page scrolls its first highlighted match into view.
"use strict";

const SUGGEST_DELAY_MS = 120;

function attachSuggestions(form, number) {
  const input = form.querySelector("input[name=q]");
  const list = document.createElement("ul");
  list.id = "suggestions-" + number;
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Gợi ý tìm kiếm");
  list.hidden = true;
  const wrapper = document.createElement("span");  // the list hangs under the box, as wide as it
  wrapper.className = "suggest-wrap";
  input.replaceWith(wrapper);
  wrapper.append(input, list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  let active = -1;
  let timer = null;
  let latest = 0;

  const options = () => Array.from(list.children);

  function close() {
    list.hidden = true;
    list.replaceChildren();
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    const items = options();
    items.forEach((item, i) => item.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", items[index].id);
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function choose(text) {
    input.value = text;
    close();
    form.requestSubmit();
  }

  function show(suggestions) {
    list.replaceChildren();
    suggestions.forEach((text, i) => {
      const item = document.createElement("li");
      item.id = list.id + "-" + i;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.textContent = text;  // text, never HTML
      item.addEventListener("mousedown", (event) => {
        event.preventDefault();  // keep the focus in the box
        choose(text);
      });
      list.appendChild(item);
    });
    active = -1;
    list.hidden = suggestions.length === 0;
    input.setAttribute("aria-expanded", String(suggestions.length > 0));
  }

  async function fetchSuggestions() {
    const typed = input.value;
    const request = ++latest;
    if (!typed.trim()) {
      close();
      return;
    }
    try {
      const url = new URL("api/suggest", new URL(form.getAttribute("action"), location.href));
      url.searchParams.set("q", typed);
      const response = await fetch(url);
      if (!response.ok || request !== latest) return;
      const body = await response.json();
      if (request === latest && input.value === typed) show(body.suggestions);
    } catch (error) {
      close();  // suggestions are a convenience: the search itself still works
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, SUGGEST_DELAY_MS);
  });
  input.addEventListener("keydown", (event) => {
    const count = options().length;
    if (event.key === "ArrowDown" && count) {
      event.preventDefault();
      if (list.hidden) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
      highlight((active + 1) % count);
    } else if (event.key === "ArrowUp" && count) {
      event.preventDefault();
      highlight(active <= 0 ? count - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
      event.preventDefault();
      choose(options()[active].textContent);
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
}

document.querySelectorAll("form.searchbox").forEach(attachSuggestions);

const facets = document.querySelector("details.facets");
if (facets && window.matchMedia("(max-width: 820px)").matches) {
  facets.open = false;
}

const firstMatch = document.querySelector("article .body mark");
if (firstMatch) {
  firstMatch.scrollIntoView({ block: "center" });
}
