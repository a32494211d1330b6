//! The web page, embedded in the binary: nothing is fetched from elsewhere at run time.

use axum::extract::Path;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

const INDEX: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const APP_CSS: &str = include_str!("../assets/app.css");
/// Map layers (Natural Earth and World Data Bank II; see data/geo/SOURCES.md for the credit the
/// page shows).
const GOVERNORATES: &str = include_str!("../../../data/geo/syria_admin1.geojson");
const NEIGHBOURS: &str = include_str!("../../../data/geo/neighbours.geojson");
const RIVERS: &str = include_str!("../../../data/geo/rivers.geojson");
const GOLAN: &str = include_str!("../../../data/geo/golan.geojson");
/// The OpenAPI 3 description of the API.
pub const OPENAPI: &str = include_str!("../assets/openapi.json");

fn with_type(body: &'static str, ctype: &'static str) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
        ),
    );
    r
}

pub async fn index() -> Response {
    with_type(INDEX, "text/html; charset=utf-8")
}

pub async fn file(Path(name): Path<String>) -> Result<Response, ApiError> {
    Ok(match name.as_str() {
        "app.js" => with_type(APP_JS, "text/javascript; charset=utf-8"),
        "app.css" => with_type(APP_CSS, "text/css; charset=utf-8"),
        "syria_admin1.geojson" => with_type(GOVERNORATES, "application/geo+json"),
        "neighbours.geojson" => with_type(NEIGHBOURS, "application/geo+json"),
        "rivers.geojson" => with_type(RIVERS, "application/geo+json"),
        "golan.geojson" => with_type(GOLAN, "application/geo+json"),
        "openapi.json" => with_type(OPENAPI, "application/json"),
        _ => return Err(ApiError::not_found(format!("no asset {name:?}"))),
    })
}
