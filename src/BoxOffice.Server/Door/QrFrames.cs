using ZXing;
using ZXing.Common;

namespace BoxOffice.Server.Door;

/// <summary>
/// Finds a QR code in a camera frame, for browsers without <c>BarcodeDetector</c>. The page sends the frame as
/// 8-bit grey levels, one byte per pixel, so the server decodes no image format: nothing but pixels reaches ZXing.
/// </summary>
public static class QrFrames
{
    public const int MinSide = 32;
    public const int MaxSide = 1024;

    public static string? Decode(byte[] grey, int width, int height)
    {
        var reader = new BarcodeReaderGeneric
        {
            AutoRotate = false,
            Options = new DecodingOptions { PossibleFormats = [BarcodeFormat.QR_CODE], TryHarder = false },
        };
        return reader.Decode(new RGBLuminanceSource(grey, width, height, RGBLuminanceSource.BitmapFormat.Gray8))?.Text;
    }
}
