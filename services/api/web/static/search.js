/* Search as you type: a progressive enhancement of the search page.
   Without this file the page works as a plain form with links; with it, typing
   asks the JSON search API and redraws the results and the filters in place. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var results = document.getElementById("results");
  var facets = document.getElementById("facets");
  if (!form || !results || !facets || !window.fetch || !window.URLSearchParams) return;

  var filters = document.getElementById("filters");
  if (filters && window.matchMedia && window.matchMedia("(max-width: 59.99rem)").matches) {
    filters.open = false;
  }

  var api = form.getAttribute("data-api") || "/api/v1/search";
  var labels = JSON.parse(facets.getAttribute("data-labels") || "{}");
  // The page's words in its own language, by their English text (see search.html).
  var messages = JSON.parse(form.getAttribute("data-messages") || "{}");
  var lang = document.documentElement.lang || "en";
  function t(text, values) {
    var out = messages[text] || text;
    Object.keys(values || {}).forEach(function (key) { out = out.split("%(" + key + ")s").join(String(values[key])); });
    return out;
  }
  function number(n) { return Number(n).toLocaleString(lang); }
  var PER_PAGE = 10;
  var timer = null;
  var inflight = null;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (attrs[key] !== null && attrs[key] !== undefined) node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function hidden(text) { return el("span", { "class": "visually-hidden" }, [text]); }

  function currentParams() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (typeof value === "string" && value.trim() !== "") params.append(key, value.trim());
    });
    var point = params.get("point");
    params.delete("point");
    if (params.get("near") === "point" || (!params.get("near") && point)) {
      params.delete("near");
      if (point) params.set("near", point.replace(/\s+/g, ""));
    }
    if (!params.get("near")) {
      params.delete("radius_km");
      if (params.get("sort") === "distance") params.delete("sort");
    }
    if (params.get("sort") === "relevance") params.delete("sort");
    return params;
  }

  function urlWith(params) {
    var text = params.toString();
    return "/search" + (text ? "?" + text : "");
  }

  function toggled(params, name, value) {
    var next = new URLSearchParams(params.toString());
    var values = next.getAll(name);
    next.delete(name);
    next.delete("page");
    var present = values.indexOf(value) >= 0;
    values.filter(function (v) { return v !== value; }).forEach(function (v) { next.append(name, v); });
    if (!present) next.append(name, value);
    return urlWith(next);
  }

  function yearUrl(params, year) {
    var next = new URLSearchParams(params.toString());
    var chosen = next.get("year_from") === String(year) && next.get("year_to") === String(year);
    next.delete("year_from"); next.delete("year_to"); next.delete("page");
    if (!chosen) { next.set("year_from", year); next.set("year_to", year); }
    return urlWith(next);
  }

  function snippet(html) {
    var parsed = new DOMParser().parseFromString("<p>" + (html || "") + "</p>", "text/html");
    var out = el("p", { "class": "snippet" });
    parsed.body.firstChild.childNodes.forEach(function (node) {
      if (node.nodeType === 3) out.appendChild(document.createTextNode(node.textContent));
      else if (node.nodeName === "MARK") out.appendChild(el("mark", {}, [node.textContent]));
      else out.appendChild(document.createTextNode(node.textContent || ""));
    });
    return out;
  }

  function hitItem(hit) {
    var item = el("li", { "class": "hit" });
    var image = (hit.media || []).filter(function (m) { return m.kind === "image"; })[0];
    if (image && image.thumbnail) {
      var src = hit.members_only ? image.thumbnail.replace("/media/", "/files/") : image.thumbnail;
      item.appendChild(el("img", { "class": "thumb", src: src, alt: image.alt || "", width: 96, height: 72, loading: "lazy" }));
    }
    var kind = [labels.kinds[hit.kind] || hit.kind];
    if (hit.year) kind.push(String(hit.year));
    var kindLine = el("p", { "class": "hit-kind" }, [kind.join(" · ")]);
    if (hit.members_only) { kindLine.appendChild(document.createTextNode(" · ")); kindLine.appendChild(el("span", { "class": "badge" }, [t("Members")])); }
    var text = el("div", { "class": "hit-text" }, [
      kindLine,
      el("h3", { "class": "hit-title" }, [el("a", { href: "/artifacts/" + hit.id }, [hit.title || t("Untitled")])])
    ]);
    if (hit.place_names && hit.place_names.length) {
      var where = hit.place_names.join(" › ");
      if (hit.distance_km !== null && hit.distance_km !== undefined) where += " · " + t("%(km)s km away", { km: number(Math.round(hit.distance_km)) });
      text.appendChild(el("p", { "class": "hit-place" }, [where]));
    }
    text.appendChild(snippet(hit.snippet));
    item.appendChild(text);
    return item;
  }

  function pageNumbers(current, total) {
    var last = Math.max(1, Math.ceil(total / PER_PAGE));
    var wanted = [1, last, current - 1, current, current + 1].filter(function (p, i, all) {
      return p >= 1 && p <= last && all.indexOf(p) === i;
    }).sort(function (a, b) { return a - b; });
    var out = [];
    wanted.forEach(function (p) { if (out.length && p - out[out.length - 1] > 1) out.push(null); out.push(p); });
    return out;
  }

  function pager(params, current, total) {
    var numbers = pageNumbers(current, total);
    if (numbers.length < 2) return null;
    function link(page, text, rel) {
      var next = new URLSearchParams(params.toString());
      if (page > 1) next.set("page", page); else next.delete("page");
      var attrs = { href: urlWith(next) };
      if (rel) attrs.rel = rel;
      if (page === current && !rel) attrs["aria-current"] = "page";
      return el("a", attrs, text);
    }
    var list = el("ul");
    if (current > 1) list.appendChild(el("li", {}, [link(current - 1, [t("← Previous")], "prev")]));
    numbers.forEach(function (n) {
      list.appendChild(n === null ? el("li", { "class": "gap", "aria-hidden": "true" }, ["…"]) : el("li", {}, [link(n, n === current ? [String(n)] : [hidden(t("Page ")), String(n)])]));
    });
    if (current < numbers[numbers.length - 1]) list.appendChild(el("li", {}, [link(current + 1, [t("Next →")], "next")]));
    return el("nav", { "class": "pager", "aria-label": t("Pages") }, [list]);
  }

  function chip(url, text, extra) {
    return el("li", {}, [el("a", { href: url, "class": extra || null }, extra ? [text] : [text + " ", el("span", { "aria-hidden": "true" }, ["×"]), hidden(t("(remove filter)"))])]);
  }

  function activeFilters(params) {
    var list = el("ul");
    params.getAll("principle").forEach(function (p) { list.appendChild(chip(toggled(params, "principle", p), labels.terms["principles:" + p] || p)); });
    params.getAll("term").forEach(function (t) { list.appendChild(chip(toggled(params, "term", t), labels.terms[t] || t)); });
    params.getAll("place").forEach(function (p) { list.appendChild(chip(toggled(params, "place", p), labels.places[p] || p)); });
    params.getAll("kind").forEach(function (k) { list.appendChild(chip(toggled(params, "kind", k), labels.kinds[k] || k)); });
    var convening = params.get("convening");
    if (convening) list.appendChild(chip(toggled(params, "convening", convening), labels.convenings[convening] || convening));
    var from = params.get("year_from"), to = params.get("year_to");
    if (from || to) {
      var next = new URLSearchParams(params.toString()); next.delete("year_from"); next.delete("year_to");
      list.appendChild(chip(urlWith(next), from === to ? from : (from || "…") + "–" + (to || "…")));
    }
    if (params.get("near")) {
      var far = new URLSearchParams(params.toString()); far.delete("near"); far.delete("radius_km"); far.delete("sort");
      var near = document.getElementById("near");
      var name = near && near.selectedOptions[0] && near.value !== "point" ? near.selectedOptions[0].textContent.trim() : params.get("near");
      list.appendChild(chip(urlWith(far), t("Within %(km)s km of %(place)s", { km: params.get("radius_km") || 100, place: name })));
    }
    if (!list.childNodes.length) return null;
    var onlyQ = new URLSearchParams(); if (params.get("q")) onlyQ.set("q", params.get("q"));
    list.appendChild(chip(urlWith(onlyQ), t("Clear all filters"), "clear"));
    return el("div", { "class": "active-filters" }, [el("h3", { "class": "visually-hidden" }, [t("Filters in use")]), list]);
  }

  function renderResults(params, data) {
    var q = params.get("q");
    var page = parseInt(params.get("page") || "1", 10);
    var heading = data.total === 0 ? t("Nothing found") : t(data.total === 1 ? "%(num)s artifact" : "%(num)s artifacts", { num: number(data.total) });
    if (q) heading += t(" for “%(query)s”", { query: q });
    var nodes = [el("h2", { id: "results-title", "class": "results-count" }, [heading])];
    var active = activeFilters(params);
    if (active) nodes.push(active);
    if (data.hits.length) {
      nodes.push(el("ol", { "class": "hits", role: "list" }, data.hits.map(hitItem)));
      var nav = pager(params, page, data.total);
      if (nav) nodes.push(nav);
    } else {
      nodes.push(el("div", { "class": "empty" }, [el("p", {}, [t("Nothing matches this search.")]), el("p", {}, [t("Try fewer or different words, or remove a filter. Spelling mistakes are forgiven up to a point.")])]));
    }
    results.replaceChildren.apply(results, nodes);
  }

  function facetList(values) {
    return el("ul", {}, values.map(function (v) {
      var link = el("a", { href: v.url, "class": "facet" + (v.selected ? " selected" : ""), "aria-current": v.selected ? "true" : null }, [
        el("span", { "class": "check", "aria-hidden": "true" }, [v.selected ? "✓" : ""]),
        el("span", { "class": "label" }, [v.label]),
        el("span", { "class": "count" }, [number(v.count)])
      ]);
      if (v.selected) link.appendChild(hidden(t("(filter on; choose to remove it)")));
      var item = el("li", {}, [link]);
      if (v.children && v.children.length) item.appendChild(facetList(v.children));
      return item;
    }));
  }

  function group(id, title, values, hint) {
    if (!values.length) return null;
    var section = el("section", { "class": "facet-group", "aria-labelledby": "facet-" + id }, [el("h2", { id: "facet-" + id }, [title])]);
    if (hint) section.appendChild(el("p", { "class": "help" }, [hint]));
    section.appendChild(facetList(values));
    return section;
  }

  function tree(entries, keyOf, parentOf, make) {
    var nodes = {}, tops = [];
    entries.forEach(function (e) { nodes[keyOf(e)] = make(e); nodes[keyOf(e)].children = []; });
    entries.forEach(function (e) {
      var parent = nodes[parentOf(e)];
      (parent ? parent.children : tops).push(nodes[keyOf(e)]);
    });
    return tops;
  }

  function renderFacets(params, data) {
    var f = data.facets, sections = [];
    (labels.frameworks || []).forEach(function (fw) {
      var values = (f.frameworks[fw.id] || []).slice();
      var present = {};
      values.forEach(function (v) { present[v.term] = true; });
      values.slice().forEach(function (v) {  // a broader term is shown above its narrower ones
        var parent = v.parent ? fw.id + ":" + v.parent : null;
        if (parent && !present[parent]) {
          present[parent] = true;
          values.push({ term: parent, label: labels.terms[parent] || parent, parent: null, count: 0 });
        }
      });
      var order = Object.keys(labels.terms);  // the framework's own order of terms
      values.sort(function (a, b) { return order.indexOf(a.term) - order.indexOf(b.term); });
      var principle = fw.id === "principles";
      var built = tree(values, function (v) { return v.term; }, function (v) { return v.parent ? fw.id + ":" + v.parent : ""; }, function (v) {
        var id = v.term.split(":")[1];
        var name = principle ? "principle" : "term", value = principle ? id : v.term;
        return { label: labels.terms[v.term] || v.label, count: v.count, selected: params.getAll(name).indexOf(value) >= 0, url: toggled(params, name, value) };
      });
      var nested = built.some(function (v) { return v.children.length; });
      sections.push(group(fw.id, fw.name, built, nested ? t("Counts are of what is tagged with that exact term; choosing a condition also finds what is tagged with its competencies.") : ""));
    });
    var places = tree(f.places.slice().sort(function (a, b) { return a.name.localeCompare(b.name); }),
      function (p) { return p.place; }, function (p) { return p.parent || ""; },
      function (p) { return { label: p.name, count: p.count, selected: params.getAll("place").indexOf(p.place) >= 0, url: toggled(params, "place", p.place) }; });
    sections.push(group("place", t("Places"), places, t("A place includes everything inside it.")));
    sections.push(group("kind", t("Kinds"), f.kinds.map(function (k) {
      return { label: labels.kinds[k.kind] || k.kind, count: k.count, selected: params.getAll("kind").indexOf(k.kind) >= 0, url: toggled(params, "kind", k.kind) };
    })));
    sections.push(group("year", t("Years"), f.years.map(function (y) {
      var s = String(y.year);
      return { label: s, count: y.count, selected: params.get("year_from") === s && params.get("year_to") === s, url: yearUrl(params, s) };
    })));
    sections.push(group("convening", t("Convenings"), f.convenings.map(function (c) {
      return { label: labels.convenings[c.convening] || c.convening, count: c.count, selected: params.get("convening") === c.convening, url: toggled(params, "convening", c.convening) };
    })));
    sections.push(group("language", t("Languages"), (f.languages || []).map(function (l) {
      return { label: (labels.languages || {})[l.language] || l.language, count: l.count, selected: params.get("language") === l.language, url: toggled(params, "language", l.language) };
    })));
    var present = sections.filter(Boolean);
    if (!present.length) present = [el("p", { "class": "muted" }, [t("No filters apply to these results.")])];
    facets.replaceChildren.apply(facets, present);
  }

  function update() {
    var params = currentParams();
    params.delete("page");
    var query = new URLSearchParams(params.toString());
    query.set("per_page", PER_PAGE);
    if (inflight) inflight.abort();
    inflight = window.AbortController ? new AbortController() : null;
    fetch(api + "?" + query.toString(), { headers: { Accept: "application/json" }, credentials: "same-origin", signal: inflight ? inflight.signal : undefined })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        renderResults(params, data);
        renderFacets(params, data);
        history.replaceState(null, "", urlWith(params));
        form.setAttribute("data-updated", String(Date.now()));
      })
      .catch(function () { /* the form still works by submitting it */ });
  }

  function soon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 220);
  }

  document.getElementById("q").addEventListener("input", soon);
  ["near", "radius_km", "sort"].forEach(function (id) {
    var select = document.getElementById(id);
    if (select) select.addEventListener("change", soon);
  });
})();
