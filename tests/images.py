"""Real picture files, made with Pillow, for upload tests."""

import io

from PIL import Image


def image_file(image_format: str = "PNG", size: tuple[int, int] = (64, 48), mode: str = "RGB") -> io.BytesIO:
    color = (200, 80, 40, 128) if mode == "RGBA" else (200, 80, 40)
    image = Image.new(mode, size, color[: len(mode)])
    output = io.BytesIO()
    image.save(output, image_format)
    output.seek(0)
    return output
