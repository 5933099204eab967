//! One row of the route table. The Router and the OpenAPI coverage test are both built from
//! the same rows, so a route cannot be served without being listed (and checked against
//! `openapi.json`), and the method a row names is the method its handler is mounted on.

use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{self, MethodRouter};

pub struct Route<St> {
    pub method: Method,
    /// axum path syntax, which matches OpenAPI's: `/v1/shipments/{id}`.
    pub path: &'static str,
    pub(crate) endpoint: MethodRouter<St>,
}

macro_rules! constructors {
    ($($name:ident => $method:ident),+ $(,)?) => {
        impl<St: Clone + Send + Sync + 'static> Route<St> {
            $(
                pub fn $name<H, T>(path: &'static str, handler: H) -> Self
                where
                    H: Handler<T, St>,
                    T: 'static,
                {
                    Self {
                        method: Method::$method,
                        path,
                        endpoint: routing::$name(handler),
                    }
                }
            )+
        }
    };
}

constructors! {
    get => GET,
    post => POST,
    put => PUT,
    patch => PATCH,
    delete => DELETE,
}

impl<St: Clone + Send + Sync + 'static> Route<St> {
    /// A body limit of its own for this route (the Router's applies to every other).
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.endpoint = self
            .endpoint
            .layer(axum::extract::DefaultBodyLimit::max(bytes));
        self
    }
}
