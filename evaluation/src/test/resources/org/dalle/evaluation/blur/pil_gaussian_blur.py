"""Blurs images with PIL's ImageFilter.GaussianBlur, for PilGaussianBlurTest to compare with.

    /usr/bin/python3 pil_gaussian_blur.py IN_DIR OUT_DIR RADIUS...   # Debian: apt-get install python3-pil

Every IN_DIR/<name>.png is opened as RGB, blurred with GaussianBlur(radius) for each radius and
saved as OUT_DIR/<name>_r<radius>.png (the radius as given on the command line). Prints the PIL
version.
"""

import pathlib
import sys

import PIL
from PIL import Image, ImageFilter


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    source, target = pathlib.Path(argv[1]), pathlib.Path(argv[2])
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.png")):
        image = Image.open(path).convert("RGB")
        for radius in argv[3:]:
            blurred = image.filter(ImageFilter.GaussianBlur(float(radius)))
            blurred.save(target / f"{path.stem}_r{radius}.png")
    print(f"PIL {PIL.__version__}")


if __name__ == "__main__":
    main(sys.argv)
