/* Statute popovers: hovering, focusing or tapping a citation link (a.fz-cite) shows the cited
   article's text in place. The text comes from the law version's JSON (data-statute), fetched once
   per version. Without this script the link simply opens the article on its law page.
   No inline handlers or styles: everything is wired here, positions are set through the CSSOM. */
(function () {
  "use strict";
  var SHOW_DELAY = 120;
  var HIDE_DELAY = 250;
  var MAX_ARTICLES = 6;
  var cache = {};
  var pop = null;
  var current = null;
  var timer = null;
  var lastPointer = "mouse";
  var tapped = null; /* the link whose text a tap has shown: the next tap on it opens the page */

  function load(url) {
    if (!cache[url]) {
      cache[url] = fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      });
      cache[url].catch(function () { delete cache[url]; });
    }
    return cache[url];
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function popover() {
    if (pop) { return pop; }
    pop = element("div", "fz-cite-pop");
    pop.id = "fz-cite-pop";
    pop.setAttribute("role", "tooltip");
    pop.hidden = true;
    pop.addEventListener("mouseenter", function () { clearTimeout(timer); });
    pop.addEventListener("mouseleave", function () { later(hide, HIDE_DELAY); });
    /* inside the main landmark, so the text it shows belongs to the page's content */
    (document.querySelector("main") || document.body).appendChild(pop);
    return pop;
  }

  function later(action, delay) {
    clearTimeout(timer);
    timer = setTimeout(action, delay);
  }

  function place(link) {
    var box = link.getBoundingClientRect();
    var width = Math.min(480, document.documentElement.clientWidth - 16);
    var left = Math.max(8, Math.min(box.left, document.documentElement.clientWidth - width - 8));
    var parent = pop.offsetParent;
    /* coordinates relative to the positioned ancestor the popover sits in (the page itself if none) */
    var origin = parent ? parent.getBoundingClientRect() : { left: -window.scrollX, top: -window.scrollY };
    pop.style.setProperty("width", width + "px");
    pop.style.setProperty("left", (left - origin.left) + "px");
    pop.style.setProperty("top", (box.bottom - origin.top + 6) + "px");
  }

  function fill(link, data) {
    pop.textContent = "";
    var head = element("p", "fz-cite-pop__head");
    head.appendChild(element("strong", "", "《" + link.dataset.law + "》"));
    head.appendChild(element("span", "fz-cite-pop__version", link.dataset.version || ""));
    pop.appendChild(head);
    if (link.dataset.note) { pop.appendChild(element("p", "fz-cite-pop__note", link.dataset.note)); }
    var anchors = (link.dataset.articles || "").split(" ").filter(Boolean);
    anchors.slice(0, MAX_ARTICLES).forEach(function (anchor) {
      var article = data && data.articles ? data.articles[anchor] : null;
      if (!article) { return; }
      var block = element("div", "fz-cite-pop__article");
      article.forEach(function (text, i) {
        var para = element("p", "", i === 0 ? "" : text);
        if (i === 0) { para.appendChild(element("strong", "", text)); }
        block.appendChild(para);
      });
      pop.appendChild(block);
    });
    if (anchors.length > MAX_ARTICLES) { pop.appendChild(element("p", "fz-cite-pop__note", "……")); }
    var more = element("a", "fz-cite-pop__more", "在法规页面阅读全文");
    more.href = link.href;
    pop.appendChild(more);
  }

  function show(link) {
    popover();
    current = link;
    pop.textContent = "";
    pop.appendChild(element("p", "fz-cite-pop__note", "正在载入条文……"));
    pop.hidden = false;
    link.setAttribute("aria-describedby", "fz-cite-pop");
    place(link);
    load(link.dataset.statute).then(function (data) {
      if (current === link) { fill(link, data); place(link); }
    }, function () {
      if (current === link) { pop.textContent = ""; pop.appendChild(element("p", "fz-cite-pop__note", "条文载入失败，请点击链接阅读。")); }
    });
  }

  function hide() {
    if (!pop) { return; }
    pop.hidden = true;
    if (current) { current.removeAttribute("aria-describedby"); }
    current = null;
    tapped = null;
  }

  function citation(target) {
    return target && target.closest ? target.closest("a.fz-cite") : null;
  }

  document.addEventListener("pointerdown", function (event) { lastPointer = event.pointerType || "mouse"; }, true);
  document.addEventListener("mouseover", function (event) {
    var link = citation(event.target);
    if (link && lastPointer === "mouse") { later(function () { show(link); }, SHOW_DELAY); }
  });
  document.addEventListener("mouseout", function (event) {
    if (citation(event.target) && lastPointer === "mouse") { later(hide, HIDE_DELAY); }
  });
  document.addEventListener("focusin", function (event) {
    var link = citation(event.target);
    if (link) { clearTimeout(timer); show(link); }
    else if (pop && !pop.contains(event.target)) { hide(); }
  });
  document.addEventListener("focusout", function (event) {
    if (citation(event.target)) { later(hide, HIDE_DELAY); }
  });
  document.addEventListener("click", function (event) {
    var link = citation(event.target);
    if (link && lastPointer !== "mouse" && tapped !== link) {
      /* touch: the first tap shows the text, a second tap (or the link inside) opens the page */
      event.preventDefault();
      clearTimeout(timer);
      show(link);
      tapped = link;
    } else if (!link && pop && !pop.hidden && !pop.contains(event.target)) {
      hide();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && pop && !pop.hidden) { hide(); }
  });
  window.addEventListener("resize", function () { if (current && pop && !pop.hidden) { place(current); } });
})();
