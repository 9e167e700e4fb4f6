using QRCoder;

namespace BoxOffice.Testing;

/// <summary>A camera frame of a QR code, drawn by the test: grey levels, one byte per pixel, black modules on white.</summary>
public static class QrFrame
{
    public static byte[] Grey(string text, int width, int height)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        // The matrix includes the quiet zone, so the white border a reader needs comes with it.
        var modules = data.ModuleMatrix;
        var scale = Math.Min(width, height) / modules.Count;
        var left = (width - modules.Count * scale) / 2;
        var top = (height - modules.Count * scale) / 2;
        var grey = new byte[width * height];
        Array.Fill(grey, (byte)255);
        for (var y = 0; y < modules.Count * scale; y++)
        {
            for (var x = 0; x < modules.Count * scale; x++)
            {
                if (modules[y / scale][x / scale])
                    grey[(top + y) * width + left + x] = 0;
            }
        }
        return grey;
    }

    /// <summary>
    /// The frame as a one-frame YUV4MPEG2 video, what Chromium's fake camera plays in a loop: a text header, then
    /// the frame in I420 (the grey levels as luma, both chroma planes neutral).
    /// </summary>
    public static byte[] Y4m(string text, int width, int height)
    {
        using var video = new MemoryStream();
        video.Write(System.Text.Encoding.ASCII.GetBytes($"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\nFRAME\n"));
        video.Write(Grey(text, width, height));
        var chroma = new byte[width / 2 * (height / 2) * 2];
        Array.Fill(chroma, (byte)128);
        video.Write(chroma);
        return video.ToArray();
    }
}
