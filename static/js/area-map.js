// The map of the target area (certification/sections.py AreaForm.area_map): shades the provinces as
// they are ticked, draws the GeoJSON boundary as it is typed or pasted, zooms on what is shown, and
// lets the applicant draw the boundary by clicking its corners on the map. The drawing is written into
// the GeoJSON box as a Polygon (longitude, latitude), where autosave picks it up like any typing.
(function () {
  "use strict";
  var svg = document.getElementById("area-map");
  if (!svg) return;
  var p = {
    west: parseFloat(svg.dataset.west), north: parseFloat(svg.dataset.north),
    scale: parseFloat(svg.dataset.scale), pad: parseFloat(svg.dataset.pad), factor: parseFloat(svg.dataset.factor)
  };
  var whole = svg.getAttribute("viewBox");
  var boundary = document.getElementById("area-boundary");
  var draft = document.getElementById("area-draft");
  var textarea = document.querySelector("textarea[data-boundary]");

  function project(lon, lat) { return [p.pad + (lon - p.west) * p.factor * p.scale, p.pad + (p.north - lat) * p.scale]; }
  function unproject(x, y) {
    return [Math.round((p.west + (x - p.pad) / (p.factor * p.scale)) * 1e5) / 1e5,
            Math.round((p.north - (y - p.pad) / p.scale) * 1e5) / 1e5];
  }

  function rings(geometry) {
    if (!geometry || typeof geometry !== "object") return [];
    if (geometry.type === "FeatureCollection") {
      return (geometry.features || []).reduce(function (all, f) { return all.concat(rings(f && f.geometry)); }, []);
    }
    if (geometry.type === "Feature") return rings(geometry.geometry);
    if (geometry.type === "Polygon") return geometry.coordinates || [];
    if (geometry.type === "MultiPolygon") {
      return (geometry.coordinates || []).reduce(function (all, polygon) { return all.concat(polygon); }, []);
    }
    return [];
  }

  function zoom(box) {
    if (!box) { svg.setAttribute("viewBox", whole); return; }
    var w = Math.max(box[2] - box[0], 12), h = Math.max(box[3] - box[1], 12);
    var cx = (box[0] + box[2]) / 2, cy = (box[1] + box[3]) / 2;
    w *= 1.3; h *= 1.3;
    svg.setAttribute("viewBox", [cx - w / 2, cy - h / 2, w, h].map(function (n) { return n.toFixed(2); }).join(" "));
  }

  function merge(a, b) { return a ? [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])] : b; }

  function drawBoundary() {
    var parsed = null;
    try { parsed = JSON.parse(textarea && textarea.value ? textarea.value : "null"); } catch (e) { parsed = null; }
    var box = null;
    var d = rings(parsed).map(function (ring) {
      if (!Array.isArray(ring)) return "";
      return "M" + ring.map(function (pos) {
        var xy = project(pos[0], pos[1]);
        box = merge(box, [xy[0], xy[1], xy[0], xy[1]]);
        return xy[0].toFixed(2) + "," + xy[1].toFixed(2);
      }).join("L") + "Z";
    }).join("");
    if (boundary) boundary.setAttribute("d", d);
    return box;
  }

  function chosenBox() {
    var box = null;
    svg.querySelectorAll("path.province-chosen").forEach(function (path) {
      var b = path.getBBox();
      box = merge(box, [b.x, b.y, b.x + b.width, b.y + b.height]);
    });
    return box;
  }

  function refresh() { zoom(drawBoundary() || chosenBox()); }

  document.addEventListener("provinces-changed", function (event) {
    var chosen = event.detail.iso;
    svg.querySelectorAll("path[data-iso]").forEach(function (path) {
      path.classList.toggle("province-chosen", chosen.indexOf(path.dataset.iso) !== -1);
    });
    refresh();
  });
  if (textarea) textarea.addEventListener("input", refresh);

  // Drawing: each click on the map places a corner.
  var tools = document.querySelector("[data-draw-tools]");
  if (!tools || !textarea || !draft) return;
  tools.classList.remove("d-none");
  var start = tools.querySelector("[data-draw-start]"), undo = tools.querySelector("[data-draw-undo]");
  var finish = tools.querySelector("[data-draw-finish]"), cancel = tools.querySelector("[data-draw-cancel]");
  var status = tools.querySelector("[data-draw-status]");
  var corners = [], drawing = false;

  function show(on) {
    drawing = on;
    start.classList.toggle("d-none", on);
    [undo, finish, cancel].forEach(function (b) { b.classList.toggle("d-none", !on); });
    svg.classList.toggle("drawing", on);
  }
  function redrawDraft() {
    draft.setAttribute("points", corners.map(function (c) { var xy = project(c[0], c[1]); return xy[0].toFixed(2) + "," + xy[1].toFixed(2); }).join(" "));
    status.textContent = tools.dataset.msgDrawing + " " + tools.dataset.msgPoints.replace("%(count)s", corners.length);
  }
  start.addEventListener("click", function () { corners = []; show(true); redrawDraft(); });
  undo.addEventListener("click", function () { corners.pop(); redrawDraft(); });
  cancel.addEventListener("click", function () { corners = []; redrawDraft(); show(false); status.textContent = ""; });
  finish.addEventListener("click", function () {
    if (corners.length < 3) { status.textContent = tools.dataset.msgFew; return; }
    var ring = corners.concat([corners[0]]);
    textarea.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    corners = []; draft.setAttribute("points", ""); show(false);
    status.textContent = tools.dataset.msgDone;
  });
  svg.addEventListener("click", function (event) {
    if (!drawing) return;
    var point = svg.createSVGPoint();
    point.x = event.clientX; point.y = event.clientY;
    var at = point.matrixTransform(svg.getScreenCTM().inverse());
    corners.push(unproject(at.x, at.y));
    redrawDraft();
  });
})();
