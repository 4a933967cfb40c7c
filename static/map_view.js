// The explorer's map: Leaflet mounted in the page by a Streamlit v2 component (map_view.py).
//
// No iframe: the map shares the page's Leaflet (served from app/static, never a CDN), so the
// first polygon is drawn as soon as the script's data arrive. Streamlit calls the default export
// again whenever the data change; the map keeps one Leaflet instance per element and redraws
// only what changed: the choropleth (by its id), the tiles, the selection outlines. The user's
// zoom and pan are kept per view ("GM0363|buurt") for as long as the page is open, also across
// page switches. Every text from the data is set with textContent, never parsed as HTML; only
// the (escaped) attribution goes through Leaflet's attribution control.

// Relative to the page, as Streamlit's own assets are: also right under server.baseUrlPath.
const LEAFLET_JS = new URL("app/static/leaflet/leaflet.js", document.baseURI).href;
const LEAFLET_CSS = new URL("app/static/leaflet/leaflet.css", document.baseURI).href;
// Zoom and pan kept for at most this many views (gemeente and level) per page load.
const MAX_VIEWS = 64;

function leaflet() {
  if (window.L) return Promise.resolve(window.L);
  if (!window.__lvLeaflet) {
    window.__lvLeaflet = new Promise((resolve, reject) => {
      const css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = LEAFLET_CSS;
      const own = document.createElement("style");
      // the page's font size would make the attribution overlap the scale bar; a clicked area has no
      // focus rectangle (the selection outline shows it)
      own.textContent =
        ".lv-map .leaflet-control-attribution { font-size: 11px; line-height: 1.3; }" +
        ".lv-map path.leaflet-interactive:focus { outline: none; }";
      const js = document.createElement("script");
      js.src = LEAFLET_JS;
      js.onload = () => resolve(window.L);
      js.onerror = () => {
        window.__lvLeaflet = null; // a later draw tries again
        reject(new Error("could not load " + LEAFLET_JS));
      };
      document.head.append(css, own, js);
    });
  }
  return window.__lvLeaflet;
}

// Start loading Leaflet as soon as this module is read, before Streamlit mounts the map.
leaflet().catch((err) => console.error(err));

// Encoded Polyline Algorithm (precision 5), latitude first: geo.mapping.encode_ring.
function decode(s) {
  const pts = [];
  let i = 0, lat = 0, lng = 0;
  while (i < s.length) {
    let b, shift = 0, r = 0;
    do { b = s.charCodeAt(i++) - 63; r |= (b & 31) << shift; shift += 5; } while (b >= 32);
    lat += (r & 1) ? ~(r >> 1) : (r >> 1);
    shift = 0; r = 0;
    do { b = s.charCodeAt(i++) - 63; r |= (b & 31) << shift; shift += 5; } while (b >= 32);
    lng += (r & 1) ? ~(r >> 1) : (r >> 1);
    pts.push([lng / 1e5, lat / 1e5]);
  }
  return pts;
}

function geometry(polygons) {
  return { type: "MultiPolygon", coordinates: polygons.map((p) => p.map(decode)) };
}

function tooltip(labels) {
  return (layer) => {
    const box = document.createElement("div");
    box.style.fontSize = "15px";
    layer.feature.properties.t.forEach((value, i) => {
      const row = document.createElement("div");
      if (labels[i]) {
        const b = document.createElement("b");
        b.textContent = labels[i] + ": ";
        row.appendChild(b);
      }
      row.appendChild(document.createTextNode(value));
      box.appendChild(row);
    });
    return box;
  };
}

// An overlay's outlines are thin at country zoom, where small members would otherwise be dark blobs.
const overlayWeight = (zoom) => (zoom < 10 ? 0.8 : 2);

function areaLayer(L, spec, style, onClick, zoom) {
  const data = spec.layer;
  const features = data.rows.map((r) => ({
    type: "Feature", id: r[0], properties: { c: r[0], t: r[1], k: r[2] }, geometry: geometry(r[3]),
  }));
  const look = style === "overlay"
    ? (f) => ({ color: "#111", weight: overlayWeight(zoom()), fillColor: data.colours[f.properties.k] || "#000",
                fillOpacity: f.properties.k >= 0 ? 0.75 : 0 })
    : (f) => (f.properties.k < 0
      ? { fillColor: data.noData, fillOpacity: 0.35, color: "#555", weight: 0.8, dashArray: "4 3" }
      : { fillColor: data.colours[f.properties.k], fillOpacity: 0.8, color: "#333", weight: 0.6 });
  const layer = L.geoJson({ type: "FeatureCollection", features }, {
    style: look,
    onEachFeature: (f, l) => {
      l.bindTooltip(tooltip(data.labels), { sticky: false });
      l.on("mouseover", () => l.setStyle({ weight: 3, color: "#000" }));
      l.on("mouseout", () => layer.resetStyle(l));
      if (onClick) l.on("click", () => onClick(f.properties.c));
    },
  });
  return layer;
}

function outlineLayer(L, outlines) {
  const group = L.featureGroup();
  // in a pane above the areas: a new choropleth (another year) never covers the selection
  const add = (areas, look) => areas.forEach((polygons) => {
    L.geoJson({ type: "Feature", properties: {}, geometry: geometry(polygons) },
      { style: () => look, interactive: false, pane: "lv-outlines" }).addTo(group);
  });
  add(outlines.neighbours, { fill: false, color: "#222", weight: 2, opacity: 1, dashArray: "6 4" });
  add(outlines.selected, { fill: false, color: "#000", weight: 4, opacity: 1 });
  return group;
}

// Fit the areas with room for the zoom buttons and the attribution line, which would cover an edge
// (South Limburg at the bottom of the national map).
function fit(st, bounds) {
  st.fitting = true;
  st.map.fitBounds(bounds, { paddingTopLeft: [12, 12], paddingBottomRight: [12, 28], animate: false });
  st.fitting = false;
  st.autoFit = bounds;
}

function draw(L, root, spec) {
  let st = root.__lv;
  if (!st) {
    const map = L.map(root, { zoomSnap: 0.25, attributionControl: true });
    // top right: at the bottom, a long attribution wraps onto a second line over the scale bar
    L.control.scale({ position: "topright" }).addTo(map);
    map.createPane("lv-outlines").style.zIndex = 450; // above the overlay pane (400), below tooltips
    map.getPane("lv-outlines").style.pointerEvents = "none";
    st = root.__lv = { map };
    root.leafletMap = map; // for the browser tests and benchmarks
    const views = (window.__lvViews = window.__lvViews || {});
    map.on("moveend", () => {
      if (!st.view) return;
      delete views[st.view]; // re-inserted last: the keys are in order of use
      views[st.view] = { center: map.getCenter(), zoom: map.getZoom() };
      const keys = Object.keys(views);
      keys.slice(0, Math.max(0, keys.length - MAX_VIEWS)).forEach((k) => delete views[k]);
    });
    // a tooltip left open by a zoom would stay stuck where its area was
    map.on("zoomstart", () => map.eachLayer((l) => l.closeTooltip && l.closeTooltip()));
    map.on("zoomend", () => { if (st.layer && st.style === "overlay") st.layer.resetStyle(); });
    // a user's own zoom or drag ends the automatic fit; until then a map that changes size (the
    // presentation mode's larger type, a narrower column) is fitted again
    map.on("zoomstart dragstart", () => { if (!st.fitting) st.autoFit = null; });
    st.observer = new ResizeObserver(() => {
      map.invalidateSize();
      if (st.autoFit) fit(st, st.autoFit);
    });
    st.observer.observe(root);
  }
  const map = st.map;
  const tilesKey = JSON.stringify(spec.tiles);
  if (st.tilesKey !== tilesKey) {
    if (st.tiles) map.removeLayer(st.tiles);
    st.tiles = spec.tiles
      ? L.tileLayer(spec.tiles.url, { attribution: spec.tiles.attribution, maxZoom: 19 }).addTo(map)
      : null;
    st.tilesKey = tilesKey;
  }
  if (st.view !== spec.view) {
    const saved = (window.__lvViews || {})[spec.view];
    const bounds = L.latLngBounds(spec.layer.bounds);
    st.autoFit = null;
    if (saved) map.setView(saved.center, saved.zoom, { animate: false });
    else if (bounds.isValid()) fit(st, bounds);
    else map.setView([52.2, 5.3], 7); // no areas: the Netherlands
    st.view = spec.view;
  }
  if (st.layerId !== spec.layer.id || st.style !== spec.style) {
    if (st.layer) map.removeLayer(st.layer);
    if (st.attribution) map.attributionControl.removeAttribution(st.attribution);
    // a click reports through the latest run's setter (root.__trigger, set on every call)
    const onClick = spec.clickable ? (code) => root.__trigger("click", code) : null;
    st.layer = areaLayer(L, spec, spec.style, onClick, () => map.getZoom()).addTo(map);
    st.attribution = spec.layer.attribution;
    if (st.attribution) map.attributionControl.addAttribution(st.attribution);
    st.layerId = spec.layer.id;
    st.style = spec.style;
  }
  const outKey = JSON.stringify(spec.outlines);
  if (st.outKey !== outKey) {
    if (st.outlines) map.removeLayer(st.outlines);
    st.outlines = outlineLayer(L, spec.outlines).addTo(map);
    st.outKey = outKey;
    // for the browser tests and benchmarks: how often the outlines were redrawn
    root.dataset.outlineVersion = String(Number(root.dataset.outlineVersion || 0) + 1);
  }
}

export default function (component) {
  const { parentElement, data, setTriggerValue } = component;
  const spec = JSON.parse(new TextDecoder().decode(data));
  const root = parentElement.querySelector(".lv-map");
  root.style.height = spec.height + "px";
  root.__trigger = setTriggerValue; // the latest setter: a click reports to the current run

  // One draw at a time, in order (the first waits for Leaflet to load).
  root.__chain = (root.__chain || Promise.resolve())
    .then(leaflet)
    .then((L) => draw(L, root, spec))
    .catch((err) => console.error(err));
  // When the map leaves the page (another page), free it: Leaflet listens to the window's resize.
  // Streamlit may also call this when a newer call supersedes this one; the element is then still
  // in the page and the map stays.
  return () => {
    if (!root.isConnected && root.__lv) {
      root.__lv.observer.disconnect();
      root.__lv.map.remove();
      delete root.__lv;
    }
  };
}
