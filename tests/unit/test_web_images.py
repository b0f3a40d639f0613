"""A page showing a post's images lets exactly their origins load as images."""

from __future__ import annotations

from flask import Flask, g

from disseminator.web.images import allow_images


def test_only_the_images_origins_and_nothing_that_could_end_a_directive() -> None:
    with Flask(__name__).test_request_context():
        shown = allow_images(["https://humas.example.go.id/foto/a.jpg", "http://127.0.0.1:8765/media/b.jpg",
                              "https://humas.example.go.id/foto/c.jpg", None, "javascript:alert(1)",
                              "https://evil.example;script-src *@x/a.jpg", "data:image/png;base64,AAAA"])
        assert shown == ["http://127.0.0.1:8765", "https://humas.example.go.id"]
        assert "img-src 'self' data: http://127.0.0.1:8765 https://humas.example.go.id;" in g.csp
        assert "script-src 'self';" in g.csp and "evil" not in g.csp


def test_no_image_leaves_the_site_policy() -> None:
    with Flask(__name__).test_request_context():
        assert allow_images([]) == []
        assert getattr(g, "csp", None) is None
