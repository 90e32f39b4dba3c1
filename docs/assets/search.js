/* The site's search page: reads the query from the URL, asks /api/search, renders results.
 *
 * The URL is the state (?q=…&kind=…&in=…&column=…&from=…&to=…&law=…&sort=…&page=…), so a result page
 * can be shared or bookmarked and back/forward work. Snippets arrive as HTML in which only
 * <mark> is markup; they are rebuilt node by node so nothing else from the index becomes markup.
 */
(function () {
  "use strict";

  var app = document.getElementById("fz-search");
  if (!app) {
    return;
  }
  var FIELDS = ["q", "kind", "in", "column", "from", "to", "law", "sort"];
  var PER_PAGE = 10;
  var KIND_NAMES = { articles: "文章", laws: "法规" };
  var IN_NAMES = { files: "附件与图片中的文字" };
  var TIMEOUT_MS = 15000;

  var form = document.getElementById("fz-search-form");
  var status = document.getElementById("fz-status");
  var errorBox = document.getElementById("fz-error");
  var empty = document.getElementById("fz-empty");
  var list = document.getElementById("fz-results");
  var pages = document.getElementById("fz-pages");
  var facets = document.getElementById("fz-facets");
  var lawCard = document.getElementById("fz-lawcard");
  var answers = document.getElementById("fz-answers");
  var answerList = document.getElementById("fz-answers-list");
  var apiUrl = new URL(app.getAttribute("data-api"), window.location.href);
  var rootUrl = new URL(app.getAttribute("data-root"), window.location.href);
  var pending = null;
  var baseTitle = document.title;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  /* State <-> URL: only known fields, no empty values, page only when > 1. */
  function stateFromUrl() {
    var params = new URLSearchParams(window.location.search);
    var state = {};
    FIELDS.forEach(function (name) {
      var value = (params.get(name) || "").trim();
      if (value) {
        state[name] = value;
      }
    });
    var page = parseInt(params.get("page") || "1", 10);
    state.page = page > 0 ? page : 1;
    return state;
  }

  function stateFromForm() {
    var data = new FormData(form);
    var state = { page: 1 };
    FIELDS.forEach(function (name) {
      var value = String(data.get(name) || "").trim();
      if (value) {
        state[name] = value;
      }
    });
    if (state.sort === "relevance") {
      delete state.sort;
    }
    return state;
  }

  function query(state) {
    var params = new URLSearchParams();
    FIELDS.forEach(function (name) {
      if (state[name]) {
        params.set(name, state[name]);
      }
    });
    if (state.page > 1) {
      params.set("page", String(state.page));
    }
    return params;
  }

  function pageHref(state) {
    var params = query(state).toString();
    return window.location.pathname + (params ? "?" + params : "");
  }

  function fillForm(state) {
    FIELDS.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field) {
        field.value = state[name] || (name === "sort" ? "relevance" : "");
      }
    });
  }

  function hasQuery(state) {
    return FIELDS.some(function (name) {
      return name !== "sort" && state[name];
    });
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function resetOutput() {
    errorBox.hidden = true;
    errorBox.textContent = "";
    clear(list);
    clear(pages);
    clear(facets);
    clear(empty);
    clear(lawCard);
    lawCard.hidden = true;
    clear(answerList);
    answers.hidden = true;
    pages.hidden = true;
    facets.hidden = true;
    empty.hidden = true;
  }

  /* Snippet HTML -> nodes: text stays text, <mark> stays <mark>, any other element becomes its text. */
  function snippetNodes(html) {
    var parsed = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html").body;
    var out = document.createDocumentFragment();
    parsed.childNodes.forEach(function (node) {
      if (node.nodeType === 1 && node.nodeName === "MARK") {
        out.appendChild(el("mark", {}, [node.textContent]));
      } else {
        out.appendChild(document.createTextNode(node.textContent));
      }
    });
    return out;
  }

  function siteLink(url) {
    var target = new URL(url, rootUrl);
    return target.origin === rootUrl.origin ? target.pathname + target.search + target.hash : "#";
  }

  function navLink(state, text, attrs) {
    return el("a", Object.assign({ href: pageHref(state), "data-fz-nav": "" }, attrs || {}), [text]);
  }

  function columnNames() {
    var names = {};
    Array.prototype.forEach.call(form.elements.namedItem("column").options, function (option) {
      if (option.value) {
        names[option.value] = option.textContent;
      }
    });
    return names;
  }

  function renderHit(hit) {
    var meta = hit.date ? [el("time", { datetime: hit.date }, [hit.date])] : [];
    if (hit.kind === "laws") {
      /* A law library text: its kind and level instead of a column; its date is the version in force. */
      meta.unshift(el("span", { class: "fz-hit__kind" }, ["法规"]), " · ");
      if (hit.level_name) {
        meta.push(" · ", el("span", {}, [hit.level_name]));
      }
    }
    if (hit.column_name) {
      meta.push(" · ", el("span", {}, [hit.column_name]));
    }
    if (hit.source) {
      meta.push(" · ", el("span", {}, [hit.source]));
    }
    var title = el("a", { href: siteLink(hit.url) });
    title.appendChild(hit.title_html ? snippetNodes(hit.title_html) : document.createTextNode(hit.title));
    var children = [
      el("h2", { class: "fz-hit__title" }, [title]),
      el("p", { class: "fz-hit__meta" }, meta),
    ];
    if (hit.snippet) {
      var snippet = el("p", { class: "fz-hit__snippet" });
      snippet.appendChild(snippetNodes(hit.snippet));
      children.push(snippet);
    }
    if (hit.found_in) {
      /* Found in the text read from one of the article's files: name the file (and page), then its snippet. */
      var where = "见于附件 " + hit.found_in.file + (hit.found_in.page ? " 第" + hit.found_in.page + "页" : "") + "：";
      var inFile = el("p", { class: "fz-hit__snippet fz-hit__file" }, [el("strong", {}, [where])]);
      inFile.appendChild(snippetNodes(hit.found_in.snippet));
      children.push(inFile);
    }
    if (hit.laws && hit.laws.length) {
      children.push(el("p", { class: "fz-hit__laws" }, ["引用：" + hit.laws.slice(0, 4).map(function (law) {
        return "《" + law + "》";
      }).join("")]));
    }
    return el("li", { class: hit.kind === "laws" ? "fz-hit fz-hit--law" : "fz-hit" }, children);
  }

  /* One facet as a list of links, each toggling its filter; counts from data.facets. */
  function facetBlock(state, title, field, counts, names, clearTitle) {
    var keys = Object.keys(counts).filter(function (key) { return counts[key] > 0; });
    if (!keys.length) {
      return [];
    }
    var items = keys.map(function (key) {
      var current = state[field] === key;
      var next = Object.assign({}, state, { page: 1 });
      next[field] = current ? "" : key;
      var label = (names[key] || key) + "（" + counts[key] + "）";
      return el("li", {}, [navLink(next, label, current ? { "aria-current": "true", title: clearTitle } : {})]);
    });
    return [el("h2", { class: "fz-facets__title" }, [title]), el("ul", { class: "fz-facets__list" }, items)];
  }

  function renderFacets(state, data) {
    var columns = (data.facets && data.facets.column) || {};
    var years = (data.facets && data.facets.year) || {};
    var kinds = (data.facets && data.facets.kind) || {};
    var blocks = [];
    /* The kind facet only when the index holds laws too (a site without a law library has articles alone). */
    if (Object.keys(kinds).length > 1 || kinds.laws) {
      blocks = blocks.concat(facetBlock(state, "按类型", "kind", kinds, KIND_NAMES, "取消此类型筛选"));
    }
    /* Found in files: how many of the results matched in the text read from their attachments and pictures. */
    blocks = blocks.concat(facetBlock(state, "按出处", "in", (data.facets && data.facets["in"]) || {}, IN_NAMES, "取消此出处筛选"));
    blocks = blocks.concat(facetBlock(state, "按栏目", "column", columns, columnNames(), "取消此栏目筛选"));
    var yearKeys = Object.keys(years).filter(function (key) { return years[key] > 0; }).sort().reverse();
    if (yearKeys.length) {
      var yearItems = yearKeys.map(function (year) {
        var current = state.from === year + "-01-01" && state.to === year + "-12-31";
        var next = Object.assign({}, state, current ? { from: "", to: "", page: 1 } : { from: year + "-01-01", to: year + "-12-31", page: 1 });
        var label = year + " 年（" + years[year] + "）";
        return el("li", {}, [navLink(next, label, current ? { "aria-current": "true", title: "取消此年份筛选" } : {})]);
      });
      blocks.push(el("h2", { class: "fz-facets__title" }, ["按年份"]), el("ul", { class: "fz-facets__list" }, yearItems));
    }
    blocks.forEach(function (node) {
      facets.appendChild(node);
    });
    facets.hidden = blocks.length === 0;
  }

  function renderPages(state, data) {
    if (data.pages <= 1) {
      return;
    }
    var items = [];
    var first = Math.max(1, data.page - 2);
    var last = Math.min(data.pages, data.page + 2);
    function item(page, text, label) {
      if (page === data.page) {
        return el("li", {}, [el("span", { "aria-current": "page", class: "fz-pages__current" }, [text])]);
      }
      return el("li", {}, [navLink(Object.assign({}, state, { page: page }), text, label ? { "aria-label": label } : {})]);
    }
    if (data.page > 1) {
      items.push(item(data.page - 1, "上一页"));
    }
    if (first > 1) {
      items.push(item(1, "1", "第 1 页"));
      if (first > 2) {
        items.push(el("li", { class: "fz-pages__gap", "aria-hidden": "true" }, ["…"]));
      }
    }
    for (var page = first; page <= last; page += 1) {
      items.push(item(page, String(page), "第 " + page + " 页"));
    }
    if (last < data.pages) {
      if (last < data.pages - 1) {
        items.push(el("li", { class: "fz-pages__gap", "aria-hidden": "true" }, ["…"]));
      }
      items.push(item(data.pages, String(data.pages), "第 " + data.pages + " 页"));
    }
    if (data.page < data.pages) {
      items.push(item(data.page + 1, "下一页"));
    }
    pages.appendChild(el("ul", {}, items));
    pages.hidden = false;
  }

  function renderEmpty(state, data) {
    if (data.hint) {
      /* The question had nothing to search for (only question words, emoji or punctuation): say what to write. */
      empty.appendChild(el("p", { class: "fz-search__suggestion" }, [data.hint]));
      empty.hidden = false;
      return;
    }
    var children = [el("p", {}, ["没有找到" + (state.q ? "与“" + state.q + "”相关的" : "符合条件的") + "文章。"])];
    var filtered = state.kind || state["in"] || state.column || state.from || state.to || state.law;
    var unfiltered = { q: state.q, sort: state.sort, page: 1 };
    if (data.suggestion && data.suggestion_reason === "drop_filters") {
      children.push(el("p", { class: "fz-search__suggestion" }, [
        "去掉筛选条件后可以找到结果：", navLink(unfiltered, "在全部文章中搜索“" + data.suggestion + "”"),
      ]));
    } else if (data.suggestion) {
      var next = Object.assign({}, state, { q: data.suggestion, page: 1 });
      children.push(el("p", { class: "fz-search__suggestion" }, ["您是不是要找：", navLink(next, data.suggestion)]));
    }
    var tips = [el("li", {}, ["换用更短、更常用的词，或减少关键词"]), el("li", {}, ["检查是否有错别字"])];
    if (filtered) {
      tips.push(el("li", {}, [navLink(unfiltered, "去掉全部筛选条件再搜索")]));
    }
    children.push(el("ul", {}, tips));
    children.forEach(function (node) {
      empty.appendChild(node);
    });
    empty.hidden = false;
  }

  /* The law the query names (data.law: name, url of its law page, articles citing it), above the hits;
     with the text of the article the query names (law.article: label, anchor, url, text) when it names one. */
  function renderLaw(state, law) {
    if (!law || !law.name) {
      return;
    }
    var name = "《" + law.name + "》";
    var hasPage = law.articles || law.article;
    var children = [el("p", { class: "fz-lawcard__name" }, ["法律：", hasPage ? el("a", { href: siteLink(law.url.replace(/^\//, "")) }, [name]) : name])];
    if (law.article) {
      var article = el("blockquote", { class: "fz-lawcard__article", id: "fz-lawcard-article" });
      article.appendChild(el("p", { class: "fz-lawcard__label" }, [name + law.article.label]));
      law.article.text.split("\n").forEach(function (paragraph) {
        article.appendChild(el("p", {}, [paragraph]));
      });
      if (law.article.repeal) {
        var day = law.article.repeal.date.split("-").map(Number);
        article.appendChild(el("p", { class: "fz-lawcard__repeal" }, [
          "这部法规已于" + day[0] + "年" + day[1] + "月" + day[2] + "日由《" + law.article.repeal.by + "》废止，以上是它废止时的条文。",
        ]));
      }
      children.push(article, el("p", { class: "fz-lawcard__more" }, [
        el("a", { href: siteLink(law.article.url.replace(/^\//, "")) }, ["在法规全文中查看" + law.article.label]),
      ]));
    }
    if (law.articles) {
      var filtered = Object.assign({}, state, { law: law.name, page: 1 });
      children.push(el("p", { class: "fz-lawcard__count" }, [
        "本站有 " + law.articles + " 篇文章引用这部法律：", navLink(filtered, "只看这些文章"),
      ]));
    } else {
      children.push(el("p", { class: "fz-lawcard__count" }, ["本站暂无引用这部法律的文章。"]));
    }
    children.forEach(function (node) {
      lawCard.appendChild(node);
    });
    lawCard.hidden = false;
  }

  /* The answer card (data.answers): each statute article that answers, as a link to its place on the law page, its
     text in the version in force, and the archive's articles citing it. Absent when nothing answers with confidence. */
  function renderAnswers(items) {
    (items || []).forEach(function (answer) {
      var name = "《" + answer.law + "》" + answer.label;
      var day = answer.version.split("-").map(Number);
      var version = answer.version === "undated" ? "现行文本" : day[0] + "年" + day[1] + "月" + day[2] + "日版";
      var children = [
        el("h3", { class: "fz-answer__name" }, [el("a", { href: siteLink(answer.url.replace(/^\//, "")) }, [name])]),
        el("p", { class: "fz-answer__version" }, [answer.repealed ? version + "（这部法规已废止，以上是它废止时的条文）" : version]),
      ];
      var text = el("blockquote", { class: "fz-answer__text" });
      answer.text.split("\n").forEach(function (paragraph) {
        text.appendChild(el("p", {}, [paragraph]));
      });
      children.push(text);
      if (answer.citing.length) {
        children.push(el("p", { class: "fz-answer__citing-title" }, ["本站引用这一条的文章："]));
        children.push(el("ul", { class: "fz-answer__citing" }, answer.citing.map(function (article) {
          return el("li", {}, [
            el("a", { href: siteLink(article.url) }, [article.title]), " ",
            el("time", { datetime: article.date }, [article.date]),
          ]);
        })));
      }
      answerList.appendChild(el("li", { class: "fz-answer" }, children));
    });
    answers.hidden = !answerList.firstChild;
  }

  function render(state, data) {
    var total = data.total || 0;
    var kinds = (data.facets && data.facets.kind) || {};
    var noun = state.kind === "laws" ? " 部法规" : (state.kind === "articles" || !kinds.laws ? " 篇文章" : " 条结果");
    status.textContent = total
      ? "找到 " + total + noun + (data.pages > 1 ? "，第 " + data.page + " / " + data.pages + " 页" : "")
      : "没有找到结果";
    if (data.partial) {
      status.textContent += "（搜索用时过长，只列出了部分结果）";
    }
    renderAnswers(data.answers);
    renderLaw(state, data.law);
    (data.hits || []).forEach(function (hit) {
      list.appendChild(renderHit(hit));
    });
    if (!total) {
      renderEmpty(state, data);
    } else if (!(data.hits || []).length) {
      empty.appendChild(el("p", {}, ["这一页没有结果。", navLink(Object.assign({}, state, { page: 1 }), "回到第 1 页")]));
      empty.hidden = false;
    }
    renderFacets(state, data);
    renderPages(state, data);
    document.title = (state.q ? "“" + state.q + "”的搜索结果" : "搜索结果") + " - " + baseTitle;
  }

  function run(state) {
    if (pending) {
      pending.abort();
    }
    resetOutput();
    if (!hasQuery(state)) {
      status.textContent = "";
      document.title = baseTitle;
      return;
    }
    /* The API refuses a question longer than the search box allows (its maxlength, the API's limit in characters);
       one from a shared link or a script is not sent, and the page says to shorten it. */
    var limit = form.elements.namedItem("q").maxLength;
    var length = Array.from(state.q || "").length;
    if (limit > 0 && length > limit) {
      status.textContent = "";
      document.title = baseTitle;
      showError("问题有 " + length + " 个字，超过了 " + limit + " 字的上限。请缩短到 " + limit + " 字以内，只写要问的事情，再搜索。");
      return;
    }
    var controller = new AbortController();
    pending = controller;
    var timedOut = false;
    var timer = window.setTimeout(function () {
      timedOut = true;
      controller.abort();
    }, TIMEOUT_MS);
    var params = query(state);
    params.set("per_page", String(PER_PAGE));
    var url = new URL(apiUrl.href);
    url.search = params.toString();
    status.textContent = "正在搜索…";
    app.setAttribute("aria-busy", "true");
    fetch(url.href, { headers: { Accept: "application/json" }, signal: controller.signal })
      .then(function (response) {
        return response.json().catch(function () {
          throw new Error("unreadable");
        });
      })
      .then(function (data) {
        if (pending !== controller) {
          return;
        }
        if (!data.ok) {
          status.textContent = "";
          showError("无法完成这次搜索：" + ((data.error && data.error.message) || "未知错误") + "。请修改搜索条件后重试。");
          return;
        }
        render(state, data);
      })
      .catch(function (error) {
        if (pending !== controller || (error.name === "AbortError" && !timedOut)) {
          return;
        }
        status.textContent = "";
        showError(timedOut
          ? "搜索服务响应超时，请稍后再试。"
          : "暂时无法连接搜索服务，请检查网络后重试。也可以从首页按栏目、年份或引用的法律浏览文章。");
      })
      .finally(function () {
        window.clearTimeout(timer);
        if (pending === controller) {
          pending = null;
          app.removeAttribute("aria-busy");
        }
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var state = stateFromForm();
    window.history.pushState(null, "", pageHref(state));
    run(state);
  });

  app.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-fz-nav]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    var url = new URL(link.href);
    window.history.pushState(null, "", url.pathname + url.search);
    var state = stateFromUrl();
    fillForm(state);
    run(state);
    status.focus();
  });

  window.addEventListener("popstate", function () {
    var state = stateFromUrl();
    fillForm(state);
    run(state);
  });

  var initial = stateFromUrl();
  fillForm(initial);
  run(initial);
  if (!initial.q) {
    form.elements.namedItem("q").focus();
  }
})();
