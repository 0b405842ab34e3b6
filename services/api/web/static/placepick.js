// The place form's map: choosing a point fills in the latitude and longitude, and typing
// them moves the dot. The map's frame (west, north, scale, squeeze) comes from the server.
(function () {
  "use strict";
  var svg = document.querySelector("svg.picker");
  var lat = document.getElementById("field-lat");
  var lon = document.getElementById("field-lon");
  if (!svg || !lat || !lon || !svg.dataset.frame) return;
  var frame = svg.dataset.frame.split(",").map(Number);
  var west = frame[0], north = frame[1], scale = frame[2], squeeze = frame[3];
  var dot = svg.querySelector(".picked");

  function show() {
    var la = parseFloat(lat.value.replace(",", "."));
    var lo = parseFloat(lon.value.replace(",", "."));
    if (isNaN(la) || isNaN(lo)) {
      dot.setAttribute("visibility", "hidden");
      return;
    }
    dot.setAttribute("cx", String((lo - west) * squeeze * scale));
    dot.setAttribute("cy", String((north - la) * scale));
    dot.setAttribute("visibility", "visible");
  }

  svg.addEventListener("click", function (event) {
    var point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    var inside = point.matrixTransform(svg.getScreenCTM().inverse());
    lat.value = (north - inside.y / scale).toFixed(5);
    lon.value = (west + inside.x / (squeeze * scale)).toFixed(5);
    show();
  });
  lat.addEventListener("input", show);
  lon.addEventListener("input", show);
  show();
})();
