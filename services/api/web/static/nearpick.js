// The search form's "Near" controls: choosing a point on the map, or "near me" from the
// browser's own location (asked for only when the reader presses the button), fills in
// the point and selects "The point below"; search.js then searches near it. The map's
// frame (west, north, pixels per degree, longitude squeeze) comes from the server.
(function () {
  "use strict";
  var svg = document.getElementById("near-map");
  var near = document.getElementById("near");
  var point = document.getElementById("point");
  var radius = document.getElementById("radius_km");
  if (!svg || !near || !point || !svg.dataset.frame) return;
  var frame = svg.dataset.frame.split(",").map(Number);
  var west = frame[0], north = frame[1], scale = frame[2], squeeze = frame[3];
  var dot = svg.querySelector(".picked");
  var form = document.getElementById("search-form");
  // The page's words in its own language, by their English text (see search.html).
  var messages = JSON.parse((form && form.getAttribute("data-messages")) || "{}");
  function t(text) { return messages[text] || text; }
  var ring = svg.querySelector(".radius");

  function parse(text) {
    var parts = (text || "").replace(/\s+/g, "").split(",");
    if (parts.length !== 2) return null;
    var lat = parseFloat(parts[0]), lng = parseFloat(parts[1]);
    if (isNaN(lat) || isNaN(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) return null;
    return [lat, lng];
  }

  function chosen() {
    if (near.value === "point" || (!near.value && point.value.trim())) return parse(point.value);
    return near.value ? parse(near.value) : null;
  }

  function show() {
    var at = chosen();
    var visibility = at ? "visible" : "hidden";
    dot.setAttribute("visibility", visibility);
    ring.setAttribute("visibility", visibility);
    if (!at) return;
    var x = (at[1] - west) * squeeze * scale, y = (north - at[0]) * scale;
    var ry = (parseFloat(radius && radius.value) || 100) / 111.32 * scale;
    var rx = ry * squeeze / Math.max(Math.cos(at[0] * Math.PI / 180), 0.01);
    dot.setAttribute("cx", x.toFixed(1)); dot.setAttribute("cy", y.toFixed(1));
    ring.setAttribute("cx", x.toFixed(1)); ring.setAttribute("cy", y.toFixed(1));
    ring.setAttribute("rx", rx.toFixed(1)); ring.setAttribute("ry", ry.toFixed(1));
  }

  function use(lat, lng) {
    point.value = lat.toFixed(4) + "," + lng.toFixed(4);
    near.value = "point";
    show();
    near.dispatchEvent(new Event("change", { bubbles: true }));
  }

  svg.addEventListener("click", function (event) {
    var at = svg.createSVGPoint();
    at.x = event.clientX; at.y = event.clientY;
    var inside = at.matrixTransform(svg.getScreenCTM().inverse());
    use(north - inside.y / scale, west + inside.x / (squeeze * scale));
  });

  point.addEventListener("input", function () {
    if (parse(point.value)) {
      near.value = "point";
      near.dispatchEvent(new Event("change", { bubbles: true }));
    }
    show();
  });
  near.addEventListener("change", function () {
    if (!near.value) point.value = "";
    show();
  });
  if (radius) radius.addEventListener("change", show);

  var slot = document.querySelector(".near-me-slot");
  if (slot && navigator.geolocation) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary near-me";
    button.textContent = t("Near me");
    var status = document.createElement("span");
    status.className = "near-me-status";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      status.textContent = t("Asking your browser where you are…");
      navigator.geolocation.getCurrentPosition(function (position) {
        status.textContent = t("Searching near your location (it stays in this page's address).");
        use(position.coords.latitude, position.coords.longitude);
      }, function (error) {
        status.textContent = error.code === 1
          ? t("Your browser did not share your location; pick a point or type one instead.")
          : t("Your location is not available; pick a point or type one instead.");
      }, { maximumAge: 600000, timeout: 15000 });
    });
    slot.appendChild(button);
    slot.appendChild(document.createTextNode(" "));
    slot.appendChild(status);
  }
  show();
})();
