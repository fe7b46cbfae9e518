"""Writes the WebP fixtures of WebpDecodingTest with Pillow (Debian: python3-pil).

Every fixture is the same 24x16 pattern, pixel (x, y) = (10x, 15y, 255 - 5(x + y)), which the test
computes again in Java:
  pattern-lossless.webp  lossless (VP8L): decodes to exactly the pattern
  pattern-lossy.webp     lossy (VP8), quality 90: decodes close to the pattern
  pattern-alpha.webp     lossy with a lossless alpha plane (extended VP8X): the left half
                         opaque, the right half transparent
Run from this folder: python3 make_webp_fixtures.py
"""

from PIL import Image

W, H = 24, 16


def pattern(x, y):
    return (10 * x, 15 * y, 255 - 5 * (x + y))


rgb = Image.new("RGB", (W, H))
rgb.putdata([pattern(x, y) for y in range(H) for x in range(W)])
rgb.save("pattern-lossless.webp", lossless=True)
rgb.save("pattern-lossy.webp", quality=90)

rgba = Image.new("RGBA", (W, H))
rgba.putdata([pattern(x, y) + ((255 if x < W // 2 else 0),) for y in range(H) for x in range(W)])
rgba.save("pattern-alpha.webp", quality=90, alpha_quality=100)
