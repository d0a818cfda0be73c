"""Security headers on every response: a strict CSP, no sniffing, no framing, HSTS over HTTPS.

Every script is a file under /static (no inline script, no on*= handler), every style
comes from a stylesheet, and nothing is loaded from another origin, so the policy can
name 'self' alone. The SVG charts are markup, so they need nothing more.
"""

from flask import Flask, request

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# Features no page uses; geolocation stays allowed for this origin (worker.js locates home).
PERMISSIONS_POLICY = "camera=(), microphone=(), payment=(), usb=(), geolocation=(self)"
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Two years, as browsers' preload lists expect; sent only over HTTPS, where it means something.
HSTS = "max-age=63072000; includeSubDomains"


def add_security_headers(response):
    """Set the headers unless a view chose its own value."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    """Register the after-request hook."""
    app.after_request(add_security_headers)
