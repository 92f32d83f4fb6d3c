/* JPEG images (ITU-T T.81 markers, the JFIF APP0 header, Exif's APP1 with
 * its TIFF image file directories) in HTTP bodies, as tshark 4.0's
 * "image-jfif" dissector shows them.
 *
 * Taken: a body of 20 bytes or more that starts with SOI and whose bytes
 * 6-10 are "JFIF\0" or "Exif\0" (the latter with an expert warning on the
 * first APP1's identifier unless it is "JFIF"). Then, from the start: the
 * entropy-coded bytes up to the next FF that is not FF 00 (one item),
 * fill bytes (FF FF ...), and the marker: SOI, EOI, RSTn and TEM alone;
 * the others with their segment (a length that counts itself): APP0 (JFIF
 * version, units, densities, thumbnail; JFXX's extension code; another
 * identifier), APP1 (Exif: byte order, the first IFD, its chain and the
 * Exif, GPS and Interoperability IFDs it points to, with the values of
 * every entry; another identifier), APP2 (FlashPix), SOFn (frame header
 * and components), SOS (scan header and components), COM (the comment),
 * any other (its length and the bytes); a marker tshark does not know ends
 * the image ("(Reserved)").
 *
 * tshark reads each segment through a view as long as its length says:
 * bytes past the view are its ReportedBoundsError ("[Malformed Packet]"),
 * bytes the view declares but the body does not hold its
 * ContainedBoundsError; either ends the dissection there (what was added
 * stays), as here (dx_exception_later). tshark without a tree (a summary
 * with no filter and no fields) skips every segment but APP1's, and with
 * them their exceptions: so does a terse packet of a session interested in
 * no field here (Info then ends as tshark's summary line does). */
#include "../core/dx.h"
#include "../core/session.h"
#include "http_body.h"

#include <string.h>

enum {
  F_JFIF,
  F_MARKER,
  F_SEGMENT,
  F_LEN,
  F_IDENT,
  F_VERSION,
  F_VMAJOR,
  F_VMINOR,
  F_UNITS,
  F_XDENS,
  F_YDENS,
  F_XTHUMB,
  F_YTHUMB,
  F_RGB,
  F_EXTCODE,
  F_SOF,
  F_SOF_PREC,
  F_SOF_LINES,
  F_SOF_SPL,
  F_SOF_NF,
  F_SOF_CI,
  F_SOF_HI,
  F_SOF_VI,
  F_SOF_TQ,
  F_SOS,
  F_SOS_NS,
  F_SOS_CS,
  F_SOS_TD,
  F_SOS_TA,
  F_SOS_SS,
  F_SOS_SE,
  F_SOS_AH,
  F_SOS_AL,
  F_COMH,
  F_COMMENT,
  F_REMAIN,
  F_ENDIAN,
  F_START_IFD,
  F_NEXT_IFD,
  F_FLASHPIX,
  F_ECS,
  F_FILL,
  F_SKIPPED,
  F_IFD,
  F_IFD_NUM,
  F_IFD_TAG,
  F_IFD_TAG_EXIF,
  F_IFD_TAG_GPS,
  F_IFD_TAG_INTEROP,
  F_IFD_TYPE,
  F_IFD_COUNT,
  F_IFD_OFFSET,
  F_VAL_BYTE,
  F_VAL_ASCII,
  F_VAL_SHORT,
  F_VAL_LONG,
  F_VAL_RAT,
  F_RAT_NUM,
  F_RAT_DEN,
  F_VAL_UNDEF,
  F_VAL_SLONG,
  F_VAL_SRAT,
  F_SRAT_NUM,
  F_SRAT_DEN,
  F_EI_NOT_JFIF,
  F_EI_START,
  F_EI_NEXT,
  F_EI_VALUE,
};

enum {
  M_TEM = 0xff01,
  M_SOF0 = 0xffc0,
  M_DHT = 0xffc4,
  M_DAC = 0xffcc,
  M_RST0 = 0xffd0,
  M_RST7 = 0xffd7,
  M_SOI = 0xffd8,
  M_EOI = 0xffd9,
  M_SOS = 0xffda,
  M_APP0 = 0xffe0,
  M_APP1 = 0xffe1,
  M_APP2 = 0xffe2,
  M_COM = 0xfffe,
};

static const dx_vals marker_vals[] = {
    {0xff01, "Reserved - For temporary private use in arithmetic coding"},
    {0xffc0, "Start of Frame (non-differential, Huffman coding) - Baseline DCT"},
    {0xffc1, "Start of Frame (non-differential, Huffman coding) - Extended sequential DCT"},
    {0xffc2, "Start of Frame (non-differential, Huffman coding) - Progressive DCT"},
    {0xffc3, "Start of Frame (non-differential, Huffman coding) - Lossless (sequential)"},
    {0xffc4, "Define Huffman table(s)"},
    {0xffc5, "Start of Frame (differential, Huffman coding) - Differential sequential DCT"},
    {0xffc6, "Start of Frame (differential, Huffman coding) - Differential progressive DCT"},
    {0xffc7, "Start of Frame (differential, Huffman coding) - Differential lossless (sequential)"},
    {0xffc8, "Start of Frame (non-differential, arithmetic coding) - Reserved for JPEG extensions"},
    {0xffc9, "Start of Frame (non-differential, arithmetic coding) - Extended sequential DCT"},
    {0xffca, "Start of Frame (non-differential, arithmetic coding) - Progressive DCT"},
    {0xffcb, "Start of Frame (non-differential, arithmetic coding) - Lossless (sequential)"},
    {0xffcc, "Define arithmetic coding conditioning(s)"},
    {0xffcd, "Start of Frame (differential, arithmetic coding) - Differential sequential DCT"},
    {0xffce, "Start of Frame (differential, arithmetic coding) - Differential progressive DCT"},
    {0xffcf,
     "Start of Frame (differential, arithmetic coding) - Differential lossless (sequential)"},
    {0xffd0, "Restart interval termination - Restart with modulo 8 count 0"},
    {0xffd1, "Restart interval termination - Restart with modulo 8 count 1"},
    {0xffd2, "Restart interval termination - Restart with modulo 8 count 2"},
    {0xffd3, "Restart interval termination - Restart with modulo 8 count 3"},
    {0xffd4, "Restart interval termination - Restart with modulo 8 count 4"},
    {0xffd5, "Restart interval termination - Restart with modulo 8 count 5"},
    {0xffd6, "Restart interval termination - Restart with modulo 8 count 6"},
    {0xffd7, "Restart interval termination - Restart with modulo 8 count 7"},
    {0xffd8, "Start of Image"},
    {0xffd9, "End of Image"},
    {0xffda, "Start of Scan"},
    {0xffdb, "Define quantization table(s)"},
    {0xffdc, "Define number of lines"},
    {0xffdd, "Define restart interval"},
    {0xffde, "Define hierarchical progression"},
    {0xffdf, "Expand reference component(s)"},
    {0xffe0, "Reserved for application segments - 0"},
    {0xffe1, "Reserved for application segments - 1"},
    {0xffe2, "Reserved for application segments - 2"},
    {0xffe3, "Reserved for application segments - 3"},
    {0xffe4, "Reserved for application segments - 4"},
    {0xffe5, "Reserved for application segments - 5"},
    {0xffe6, "Reserved for application segments - 6"},
    {0xffe7, "Reserved for application segments - 7"},
    {0xffe8, "Reserved for application segments - 8"},
    {0xffe9, "Reserved for application segments - 9"},
    {0xffea, "Reserved for application segments - 10"},
    {0xffeb, "Reserved for application segments - 11"},
    {0xffec, "Reserved for application segments - 12"},
    {0xffed, "Reserved for application segments - 13"},
    {0xffee, "Reserved for application segments - 14"},
    {0xffef, "Reserved for application segments - 15"},
    {0xfff0, "Reserved for JPEG extensions - 0"},
    {0xfff1, "Reserved for JPEG extensions - 1"},
    {0xfff2, "Reserved for JPEG extensions - 2"},
    {0xfff3, "Reserved for JPEG extensions - 3"},
    {0xfff4, "Reserved for JPEG extensions - 4"},
    {0xfff5, "Reserved for JPEG extensions - 5"},
    {0xfff6, "Reserved for JPEG extensions - 6"},
    {0xfff7, "Reserved for JPEG extensions - 7"},
    {0xfff8, "Reserved for JPEG extensions - 8"},
    {0xfff9, "Reserved for JPEG extensions - 9"},
    {0xfffa, "Reserved for JPEG extensions - 10"},
    {0xfffb, "Reserved for JPEG extensions - 11"},
    {0xfffc, "Reserved for JPEG extensions - 12"},
    {0xfffd, "Reserved for JPEG extensions - 13"},
    {0xfffe, "Comment"},
    {0, NULL}};

static const dx_vals units_vals[] = {
    {0, "No units; Xdensity and Ydensity specify the pixel aspect ratio"},
    {1, "Dots per inch"},
    {2, "Dots per centimeter"},
    {0, NULL}};

static const dx_vals extcode_vals[] = {
    {0x10, "Thumbnail encoded using JPEG"},
    {0x11, "Thumbnail encoded using 1 byte (8 bits) per pixel"},
    {0x13, "Thumbnail encoded using 3 bytes (24 bits) per pixel"},
    {0, NULL}};

enum { TAG_EXIF_IFD = 0x8769, TAG_GPS_IFD = 0x8825, TAG_INTEROP_IFD = 0xa005 };

/* TIFF 6.0 and Exif 2.3 tags, as tshark 4.0 names them */
static const dx_vals tag_vals[] = {{0x0100, "ImageWidth"},
                                   {0x0101, "ImageLength"},
                                   {0x0102, "BitsPerSample"},
                                   {0x0103, "Compression"},
                                   {0x0106, "PhotometricInterpretation"},
                                   {0x0112, "Orientation"},
                                   {0x0115, "SamplesPerPixel"},
                                   {0x011c, "PlanarConfiguration"},
                                   {0x0212, "YCbCrSubSampling"},
                                   {0x0213, "YCbCrPositioning"},
                                   {0x011a, "XResolution"},
                                   {0x011b, "YResolution"},
                                   {0x0128, "ResolutionUnit"},
                                   {0x0111, "StripOffsets"},
                                   {0x0116, "RowsPerStrip"},
                                   {0x0117, "StripByteCounts"},
                                   {0x0201, "JPEGInterchangeFormat"},
                                   {0x0202, "JPEGInterchangeFormatLength"},
                                   {0x012d, "TransferFunction"},
                                   {0x013e, "WhitePoint"},
                                   {0x013f, "PrimaryChromaticities"},
                                   {0x0211, "YCbCrCoefficients"},
                                   {0x0214, "ReferenceBlackWhite"},
                                   {0x0132, "DateTime"},
                                   {0x010e, "ImageDescription"},
                                   {0x010f, "Make"},
                                   {0x0110, "Model"},
                                   {0x0131, "Software"},
                                   {0x013b, "Artist"},
                                   {0x8298, "Copyright"},
                                   {TAG_EXIF_IFD, "Exif IFD Pointer"},
                                   {TAG_GPS_IFD, "GPS IFD Pointer"},
                                   {TAG_INTEROP_IFD, "Interoperability IFD Pointer"},
                                   {0, NULL}};

static const dx_vals tag_exif_vals[] = {{0x9000, "ExifVersion"},
                                        {0xa000, "FlashpixVersion"},
                                        {0xa001, "ColorSpace"},
                                        {0xa500, "Gamma"},
                                        {0x9101, "ComponentsConfiguration"},
                                        {0x9102, "CompressedBitsPerPixel"},
                                        {0xa002, "PixelXDimension"},
                                        {0xa003, "PixelYDimension"},
                                        {0x927c, "MakerNote"},
                                        {0x9286, "UserComment"},
                                        {0xa004, "RelatedSoundFile"},
                                        {0x9003, "DateTimeOriginal"},
                                        {0x9004, "DateTimeDigitized"},
                                        {0x9010, "OffsetTime"},
                                        {0x9011, "OffsetTimeOriginal"},
                                        {0x9012, "OffsetTimeDigitized"},
                                        {0x9290, "SubSecTime"},
                                        {0x9291, "SubSecTimeOriginal"},
                                        {0x9292, "SubSecTimeDigitized"},
                                        {0x829a, "ExposureTime"},
                                        {0x829d, "FNumber"},
                                        {0x8822, "ExposureProgram"},
                                        {0x8824, "SpectralSensitivity"},
                                        {0x8827, "PhotographicSensitivity"},
                                        {0x8828, "OECF"},
                                        {0x8830, "SensitivityType"},
                                        {0x8831, "StandardOutputSensitivity"},
                                        {0x8832, "RecommendedExposureIndex"},
                                        {0x8833, "ISOSpeed"},
                                        {0x8834, "ISOSpeedLatitudeyyy"},
                                        {0x8835, "ISOSpeedLatitudezzz"},
                                        {0x9201, "ShutterSpeedValue"},
                                        {0x9202, "ApertureValue"},
                                        {0x9203, "BrightnessValue"},
                                        {0x9204, "ExposureBiasValue"},
                                        {0x9205, "MaxApertureValue"},
                                        {0x9206, "SubjectDistance"},
                                        {0x9207, "MeteringMode"},
                                        {0x9208, "LightSource"},
                                        {0x9209, "Flash"},
                                        {0x920a, "FocalLength"},
                                        {0x9214, "SubjectArea"},
                                        {0xa20b, "FlashEnergy"},
                                        {0xa20c, "SpatialFrequencyResponse"},
                                        {0xa20e, "FocalPlaneXResolution"},
                                        {0xa20f, "FocalPlaneYResolution"},
                                        {0xa210, "FocalPlaneResolutionUnit"},
                                        {0xa214, "SubjectLocation"},
                                        {0xa215, "ExposureIndex"},
                                        {0xa217, "SensingMethod"},
                                        {0xa300, "FileSource"},
                                        {0xa301, "SceneType"},
                                        {0xa302, "CFAPattern"},
                                        {0xa401, "CustomRendered"},
                                        {0xa402, "ExposureMode"},
                                        {0xa403, "WhiteBalance"},
                                        {0xa404, "DigitalZoomRatio"},
                                        {0xa405, "FocalLengthIn35mmFilm"},
                                        {0xa406, "SceneCaptureType"},
                                        {0xa407, "GainControl"},
                                        {0xa408, "Contrast"},
                                        {0xa409, "Saturation"},
                                        {0xa40a, "Sharpness"},
                                        {0xa40b, "DeviceSettingDescription"},
                                        {0xa40c, "SubjectDistanceRange"},
                                        {0xa460, "CompositeImage"},
                                        {0xa461, "SourceImageNumberOfCompositeImage"},
                                        {0xa462, "SourceExposureTimesOfCompositeImage"},
                                        {0x9400, "Temperature"},
                                        {0x9401, "Humidity"},
                                        {0x9402, "Pressure"},
                                        {0x9403, "WaterDepth"},
                                        {0x9404, "Acceleration"},
                                        {0x9405, "CameraElevationAngle"},
                                        {0xa420, "ImageUniqueID"},
                                        {0xa430, "CameraOwnerName"},
                                        {0xa431, "BodySerialNumber"},
                                        {0xa432, "LensSpecification"},
                                        {0xa433, "LensMake"},
                                        {0xa434, "LensModel"},
                                        {0xa435, "LensSerialNumber"},
                                        {0, NULL}};

static const dx_vals tag_gps_vals[] = {{0x00, "GPSVersionID"},
                                       {0x01, "GPSLatitudeRef"},
                                       {0x02, "GPSLatitude"},
                                       {0x03, "GPSLongitudeRef"},
                                       {0x04, "GPSLongitude"},
                                       {0x05, "GPSAltitudeRef"},
                                       {0x06, "GPSAltitude"},
                                       {0x07, "GPSTimeStamp"},
                                       {0x08, "GPSSatellites"},
                                       {0x09, "GPSStatus"},
                                       {0x0a, "GPSMeasureMode"},
                                       {0x0b, "GPSDOP"},
                                       {0x0c, "GPSSpeedRef"},
                                       {0x0d, "GPSSpeed"},
                                       {0x0e, "GPSTrackRef"},
                                       {0x0f, "GPSTrack"},
                                       {0x10, "GPSImgDirectionRef"},
                                       {0x11, "GPSImgDirection"},
                                       {0x12, "GPSMapDatum"},
                                       {0x13, "GPSDestLatitudeRef"},
                                       {0x14, "GPSDestLatitude"},
                                       {0x15, "GPSDestLongitudeRef"},
                                       {0x16, "GPSDestLongitude"},
                                       {0x17, "GPSDestBearingRef"},
                                       {0x18, "GPSDestBearing"},
                                       {0x19, "GPSDestDistanceRef"},
                                       {0x1a, "GPSDestDistance"},
                                       {0x1b, "GPSProcessingMethod"},
                                       {0x1c, "GPSAreaInformation"},
                                       {0x1d, "GPSDateStamp"},
                                       {0x1e, "GPSDifferential"},
                                       {0x1f, "GPSHPositioningError"},
                                       {0, NULL}};

static const dx_vals tag_interop_vals[] = {{0x1, "InteroperabilityIndex"}, {0, NULL}};

enum {
  T_BYTE = 1,
  T_ASCII = 2,
  T_SHORT = 3,
  T_LONG = 4,
  T_RATIONAL = 5,
  T_UNDEFINED = 7,
  T_SLONG = 9,
  T_SRATIONAL = 10
};
static const dx_vals type_vals[] = {
    {T_BYTE, "BYTE"},   {T_ASCII, "ASCII"},         {T_SHORT, "SHORT"},
    {T_LONG, "LONG"},   {T_RATIONAL, "RATIONAL"},   {T_UNDEFINED, "UNDEFINED"},
    {T_SLONG, "SLONG"}, {T_SRATIONAL, "SRATIONAL"}, {0, NULL}};

#define U8(a, l) DX_F(a, l, DX_FT_UINT8, DX_BASE_DEC)
#define U16(a, l) DX_F(a, l, DX_FT_UINT16, DX_BASE_DEC)
#define U32(a, l) DX_F(a, l, DX_FT_UINT32, DX_BASE_DEC)
#define NONE(a, l) DX_F(a, l, DX_FT_NONE, DX_BASE_NONE)
#define BYTES(a, l) DX_F(a, l, DX_FT_BYTES, DX_BASE_NONE)
#define STR(a, l) DX_F(a, l, DX_FT_STRING, DX_BASE_ASCII)

static const dx_field jfif_fields[] = {
    [F_JFIF] = DX_F("image-jfif", "JPEG File Interchange Format", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_MARKER] = DX_FV("image-jfif.marker", "Marker", DX_FT_UINT16, DX_BASE_HEX, marker_vals),
    [F_SEGMENT] = NONE("image-jfif.marker_segment", "Marker segment"),
    [F_LEN] = U16("image-jfif.length", "Length"),
    [F_IDENT] = STR("image-jfif.identifier", "Identifier"),
    [F_VERSION] = NONE("image-jfif.version", "Version"),
    [F_VMAJOR] = U8("image-jfif.version.major", "Major Version"),
    [F_VMINOR] = U8("image-jfif.version.minor", "Minor Version"),
    [F_UNITS] = DX_FV("image-jfif.units", "Units", DX_FT_UINT8, DX_BASE_DEC, units_vals),
    [F_XDENS] = U16("image-jfif.Xdensity", "Xdensity"),
    [F_YDENS] = U16("image-jfif.Ydensity", "Ydensity"),
    [F_XTHUMB] = U16("image-jfif.Xthumbnail", "Xthumbnail"),
    [F_YTHUMB] = U16("image-jfif.Ythumbnail", "Ythumbnail"),
    [F_RGB] = BYTES("image-jfif.RGB", "RGB values of thumbnail pixels"),
    [F_EXTCODE] = DX_FV("image-jfif.extension.code", "Extension code", DX_FT_UINT8, DX_BASE_HEX,
                        extcode_vals),
    [F_SOF] = NONE("image-jfif.sof", "Start of Frame header"),
    [F_SOF_PREC] = U8("image-jfif.sof.precision", "Sample Precision (bits)"),
    [F_SOF_LINES] = U16("image-jfif.sof.lines", "Lines"),
    [F_SOF_SPL] = U16("image-jfif.sof.samples_per_line", "Samples per line"),
    [F_SOF_NF] = U8("image-jfif.sof.nf", "Number of image components in frame"),
    [F_SOF_CI] = U8("image-jfif.sof.c_i", "Component identifier"),
    [F_SOF_HI] = DX_FM("image-jfif.sof.h_i", "Horizontal sampling factor", DX_FT_UINT8, DX_BASE_DEC,
                       NULL, 0xf0, 8),
    [F_SOF_VI] = DX_FM("image-jfif.sof.v_i", "Vertical sampling factor", DX_FT_UINT8, DX_BASE_DEC,
                       NULL, 0x0f, 8),
    [F_SOF_TQ] = U8("image-jfif.sof.tq_i", "Quantization table destination selector"),
    [F_SOS] = NONE("image-jfif.header.sos", "Start of Segment header"),
    [F_SOS_NS] = U8("image-jfif.sos.ns", "Number of image components in scan"),
    [F_SOS_CS] = U8("image-jfif.sos.component_selector", "Scan component selector"),
    [F_SOS_TD] =
        DX_FM("image-jfif.sos.dc_entropy_selector", "DC entropy coding table destination selector",
              DX_FT_UINT8, DX_BASE_DEC, NULL, 0xf0, 8),
    [F_SOS_TA] =
        DX_FM("image-jfif.sos.ac_entropy_selector", "AC entropy coding table destination selector",
              DX_FT_UINT8, DX_BASE_DEC, NULL, 0x0f, 8),
    [F_SOS_SS] = U8("image-jfif.sos.ss", "Start of spectral or predictor selection"),
    [F_SOS_SE] = U8("image-jfif.sos.se", "End of spectral selection"),
    [F_SOS_AH] = DX_FM("image-jfif.sos.ah", "Successive approximation bit position high",
                       DX_FT_UINT8, DX_BASE_DEC, NULL, 0xf0, 8),
    [F_SOS_AL] =
        DX_FM("image-jfif.sos.al", "Successive approximation bit position low or point transform",
              DX_FT_UINT8, DX_BASE_DEC, NULL, 0x0f, 8),
    [F_COMH] = NONE("image-jfif.header.comment", "Comment header"),
    [F_COMMENT] = STR("image-jfif.comment", "Comment"),
    [F_REMAIN] = BYTES("image-jfif.remain_seg_data", "Remaining segment data"),
    [F_ENDIAN] = DX_F("image-jfif.endianness", "Endianness", DX_FT_UINT16, DX_BASE_HEX),
    [F_START_IFD] = U32("image-jfif.start_ifd_offset",
                        "Start offset of IFD starting from the TIFF header start"),
    [F_NEXT_IFD] =
        U32("image-jfif.next_ifd_offset", "Offset to next IFD from start of TIFF header"),
    [F_FLASHPIX] = NONE("image-jfif.exif_flashpix_marker", "Exif FlashPix APP2 application marker"),
    [F_ECS] = BYTES("image-jfif.entropy_coded_segment",
                    "Entropy-coded segment (dissection is not yet implemented)"),
    [F_FILL] = BYTES("image-jfif.fill_bytes", "Fill bytes"),
    [F_SKIPPED] = BYTES("image-jfif.skipped_tiff_data",
                        "Skipped data between end of TIFF header and start of IFD"),
    /* a text-only subtree in tshark (no field of theirs): a name of ours */
    [F_IFD] = NONE("image-jfif.ifd", "Image File Directory"),
    [F_IFD_NUM] = U16("image-jfif.ifd.num_fields", "Number of fields in this IFD"),
    [F_IFD_TAG] = DX_FV("image-jfif.ifd.tag", "Tag", DX_FT_UINT16, DX_BASE_DEC, tag_vals),
    [F_IFD_TAG_EXIF] =
        DX_FV("image-jfif.ifd.tag_exif", "Tag", DX_FT_UINT16, DX_BASE_DEC, tag_exif_vals),
    [F_IFD_TAG_GPS] =
        DX_FV("image-jfif.ifd.tag_gps", "Tag", DX_FT_UINT16, DX_BASE_DEC, tag_gps_vals),
    [F_IFD_TAG_INTEROP] =
        DX_FV("image-jfif.ifd.tag_interop", "Tag", DX_FT_UINT16, DX_BASE_DEC, tag_interop_vals),
    [F_IFD_TYPE] = DX_FV("image-jfif.ifd.type", "Type", DX_FT_UINT16, DX_BASE_DEC, type_vals),
    [F_IFD_COUNT] = U32("image-jfif.ifd.count", "Count"),
    [F_IFD_OFFSET] = U32("image-jfif.ifd.offset", "Value offset from start of TIFF header"),
    [F_VAL_BYTE] = U8("image-jfif.ifd.value_byte", "Value"),
    [F_VAL_ASCII] = STR("image-jfif.ifd.value_ascii", "Value"),
    [F_VAL_SHORT] = U16("image-jfif.ifd.value_short", "Value"),
    [F_VAL_LONG] = U32("image-jfif.ifd.value_long", "Value"),
    [F_VAL_RAT] = NONE("image-jfif.ifd.value_rational", "Value"),
    [F_RAT_NUM] = U32("image-jfif.ifd.value_rational.numerator", "Numerator"),
    [F_RAT_DEN] = U32("image-jfif.ifd.value_rational.denominator", "Denominator"),
    [F_VAL_UNDEF] = BYTES("image-jfif.ifd.value_undefined", "Value (raw)"),
    [F_VAL_SLONG] = DX_F("image-jfif.ifd.value_slong", "Value", DX_FT_INT32, DX_BASE_DEC),
    [F_VAL_SRAT] = NONE("image-jfif.ifd.value_srational", "Value"),
    [F_SRAT_NUM] =
        DX_F("image-jfif.ifd.value_srational.numerator", "Numerator", DX_FT_INT32, DX_BASE_DEC),
    [F_SRAT_DEN] =
        DX_F("image-jfif.ifd.value_srational.denominator", "Denominator", DX_FT_INT32, DX_BASE_DEC),
    /* expert notes */
    [F_EI_NOT_JFIF] = NONE("image-jfif.app0-identifier-not-jfif",
                           "Initial App0 segment with \"JFIF\" Identifier not found"),
    [F_EI_START] = NONE("image-jfif.start_ifd_offset.invalid", "Invalid value"),
    [F_EI_NEXT] = NONE("image-jfif.next_ifd_offset.invalid", "Invalid value"),
    [F_EI_VALUE] = NONE("image-jfif.ifd_value_offset.invalid", "Invalid value"),
};

#define FL(i) (&jfif_fields[i])

const dx_protocol dx_proto_jfif = {
    .name = "image-jfif",
    .label = "JPEG File Interchange Format",
    .fields = jfif_fields,
    .nfields = DX_ARRAY_LEN(jfif_fields),
};

/* ---- reading as tshark's views do ---------------------------------------- */

typedef struct jctx {
  dx_packet *p;
  const dx_tvb *t; /* the body */
  dx_node *layer;
  bool stop;       /* tshark's exception (or the item cap): nothing more is added */
  uint32_t items;  /* items made so far (DX_IMAGE_MAX_ITEMS) */
  bool first_app1; /* the body's bytes 6-10 are "Exif\0": the first APP1 is checked */
  bool tree;       /* tshark would have a tree: the segments are read */
} jctx;

/* A view of the body as one of tshark's subset tvbs: `rep` bytes from body
 * offset `base` (a segment's declared length), of which those before the
 * body's end are there. */
typedef struct view {
  uint32_t base;
  uint64_t rep;
} view;

static void raise_exception(jctx *c, bool contained) {
  if (c->stop)
    return;
  c->stop = true;
  dx_exception_later(c->p, "JFIF (JPEG) image", c->t, contained);
}

/* The bytes the view holds (its captured length). */
static uint64_t view_have(const jctx *c, const view *v) {
  uint64_t in_body = v->base < c->t->len ? c->t->len - v->base : 0;
  return v->rep < in_body ? v->rep : in_body;
}

/* n bytes at off of the view, or tshark's exception: ContainedBoundsError
 * when the view declares them, ReportedBoundsError when it does not. */
static bool need(jctx *c, const view *v, uint64_t off, uint64_t n) {
  if (c->stop)
    return false;
  uint64_t end = off + n;
  if (end <= view_have(c, v))
    return true;
  raise_exception(c, end <= v->rep);
  return false;
}

/* tshark's length -1 ("to the end") from off: the bytes the view holds
 * after it, of which there must be one (an offset past them, or at their
 * end, is an exception: ContainedBoundsError while the view declares more,
 * as tvb_ensure_captured_length_remaining() throws). */
static bool rest(jctx *c, const view *v, uint64_t off, uint32_t *n) {
  if (c->stop)
    return false;
  uint64_t have = view_have(c, v);
  if (off >= have) {
    raise_exception(c, off > have ? off <= v->rep : off < v->rep);
    return false;
  }
  *n = (uint32_t)(have - off);
  return true;
}

static uint32_t rd(const jctx *c, const view *v, uint64_t off, unsigned n, bool le) {
  const uint8_t *s = c->t->data + v->base + off;
  uint32_t x = 0;
  for (unsigned i = 0; i < n; i++)
    x = le ? x | (uint32_t)s[i] << (8 * i) : x << 8 | s[i];
  return x;
}

/* An item of n bytes at off of the view (an integer of the byte order le),
 * or NULL after tshark's exception. */
static dx_node *item(jctx *c, dx_node *parent, int f, const view *v, uint64_t off, uint32_t n,
                     bool le) {
  if (!need(c, v, off, n))
    return NULL;
  uint32_t at = (uint32_t)(v->base + off);
  return le ? dx_add_item_le(c->p, parent, FL(f), c->t, at, n)
            : dx_add_item(c->p, parent, FL(f), c->t, at, n);
}

bool dx_ascii_stray(const uint8_t *s, uint32_t len) {
  const uint8_t *z = memchr(s, 0, len);
  if (!z)
    return false;
  uint64_t at = 0; /* where each byte lands in the converted string */
  for (const uint8_t *q = s; q < z; q++)
    at += *q < 0x80 ? 1 : 3;
  for (const uint8_t *q = z; q < s + len && at < len; q++, at++)
    if (*q) /* (a NUL converts to a NUL, any other byte to others) */
      return true;
  return false;
}

/* An ASCII string item's "Trailing stray characters" (dx_ascii_stray). */
static void stray(jctx *c, dx_node *n, const view *v, uint64_t off, uint32_t len) {
  if (n && dx_ascii_stray(c->t->data + v->base + off, len))
    dx_expert(c->p, n, dx_field_stray(), DX_SEV_WARN, "Trailing stray characters");
}

/* An item without a value (FT_NONE) as tshark adds one: cut to the bytes
 * the view holds, an exception only when off is past them. */
static dx_node *none_item(jctx *c, dx_node *parent, int f, const view *v, uint64_t off,
                          uint32_t n) {
  if (c->stop)
    return NULL;
  uint64_t have = view_have(c, v);
  if (off > have) {
    raise_exception(c, off <= v->rep);
    return NULL;
  }
  uint64_t k = have - off < n ? have - off : n;
  return dx_add_none(c->p, parent, FL(f), c->t, (uint32_t)(v->base + off), (uint32_t)k);
}

/* A text-only item (tshark's subtrees without a field) over n bytes at
 * off: all of them there, or an exception. */
static dx_node *none(jctx *c, dx_node *parent, int f, const view *v, uint64_t off, uint32_t n) {
  if (!need(c, v, off, n))
    return NULL;
  return dx_add_none(c->p, parent, FL(f), c->t, (uint32_t)(v->base + off), n);
}

/* One more item of the image, or the cap's note and the end. */
static bool count_item(jctx *c) {
  if (c->stop)
    return false;
  if (++c->items <= DX_IMAGE_MAX_ITEMS)
    return true;
  dx_expert(c->p, c->layer, dx_field_limit(), DX_SEV_NOTE,
            "[More than %u items in the image: the rest is not dissected]", DX_IMAGE_MAX_ITEMS);
  c->stop = true;
  return false;
}

/* tshark's tvb_get_stringz_enc() at off: the string up to its NUL (which
 * must be in the view), its size with the NUL in *size. */
static const char *stringz(jctx *c, const view *v, uint64_t off, uint32_t *size) {
  uint32_t n;
  if (!rest(c, v, off, &n))
    return NULL;
  const uint8_t *s = c->t->data + v->base + off;
  const uint8_t *z = memchr(s, 0, n);
  if (!z) {
    raise_exception(c, view_have(c, v) < v->rep);
    return NULL;
  }
  *size = (uint32_t)(z - s) + 1;
  return (const char *)s;
}

/* ---- segments ------------------------------------------------------------ */

/* The segment's own item (over the view, as far as the body holds it) and
 * its marker and length. */
static dx_node *segment_head(jctx *c, int f, const view *seg, uint16_t marker, const char *name,
                             const char *what) {
  /* (built whoever asked, as the IFDs under it: -T fields lists the items
   * of the IFDs in tree order, before those their entries add after them) */
  dx_node *n =
      dx_add_none_full(c->p, c->layer, FL(f), c->t, seg->base, (uint32_t)view_have(c, seg));
  dx_node_set_text(c->p, n, "%s: %s (0x%04X)", what, name, marker);
  item(c, n, F_MARKER, seg, 0, 2, false);
  item(c, n, F_LEN, seg, 2, 2, false);
  return c->stop ? NULL : n;
}

/* "Remaining segment data: N bytes" from off to the view's end. */
static void remain(jctx *c, dx_node *parent, const view *seg, uint64_t off, uint32_t shown) {
  uint32_t n;
  if (!rest(c, seg, off, &n))
    return;
  dx_node *r = dx_add_bytes(c->p, parent, FL(F_REMAIN), c->t, (uint32_t)(seg->base + off), n);
  dx_node_set_text(c->p, r, "Remaining segment data: %u bytes", shown);
}

static void any_segment(jctx *c, const view *seg, uint16_t len, uint16_t marker, const char *name) {
  dx_node *n = segment_head(c, F_SEGMENT, seg, marker, name, "Marker segment");
  if (n)
    remain(c, n, seg, 4, (uint32_t)len - 2);
}

static void sof_segment(jctx *c, const view *seg, uint16_t marker, const char *name) {
  dx_node *n = segment_head(c, F_SOF, seg, marker, name, "Start of Frame header");
  if (!n)
    return;
  item(c, n, F_SOF_PREC, seg, 4, 1, false);
  item(c, n, F_SOF_LINES, seg, 5, 2, false);
  item(c, n, F_SOF_SPL, seg, 7, 2, false);
  if (!item(c, n, F_SOF_NF, seg, 9, 1, false))
    return;
  unsigned count = rd(c, seg, 9, 1, false);
  uint64_t off = 10;
  for (; count > 0 && !c->stop; count--, off += 3) {
    item(c, n, F_SOF_CI, seg, off, 1, false);
    item(c, n, F_SOF_HI, seg, off + 1, 1, false);
    item(c, n, F_SOF_VI, seg, off + 1, 1, false);
    item(c, n, F_SOF_TQ, seg, off + 2, 1, false);
  }
}

static void sos_segment(jctx *c, const view *seg, uint16_t marker, const char *name) {
  dx_node *n = segment_head(c, F_SOS, seg, marker, name, "Start of Segment header");
  if (!n || !item(c, n, F_SOS_NS, seg, 4, 1, false))
    return;
  unsigned count = rd(c, seg, 4, 1, false);
  uint64_t off = 5;
  for (; count > 0 && !c->stop; count--, off += 2) {
    item(c, n, F_SOS_CS, seg, off, 1, false);
    item(c, n, F_SOS_TD, seg, off + 1, 1, false);
    item(c, n, F_SOS_TA, seg, off + 1, 1, false);
  }
  item(c, n, F_SOS_SS, seg, off, 1, false);
  item(c, n, F_SOS_SE, seg, off + 1, 1, false);
  item(c, n, F_SOS_AH, seg, off + 2, 1, false);
  item(c, n, F_SOS_AL, seg, off + 2, 1, false);
}

static void com_segment(jctx *c, const view *seg, uint16_t len, uint16_t marker, const char *name) {
  dx_node *n = segment_head(c, F_COMH, seg, marker, name, "Comment header");
  dx_node *cm = n ? item(c, n, F_COMMENT, seg, 4, (uint32_t)len - 2, false) : NULL;
  if (cm)
    stray(c, cm, seg, 4, (uint32_t)len - 2);
}

/* The head of an APPn segment: the segment's item (*n), its NUL-terminated
 * identifier after the length (returned, NULL when the segment or the
 * identifier is cut: the caller stops), its item (*idn) and length
 * (*size, without the NUL). */
static const char *app_head(jctx *c, const view *seg, uint16_t marker, const char *name,
                            dx_node **n, dx_node **idn, uint32_t *size) {
  *n = segment_head(c, F_SEGMENT, seg, marker, name, "Marker segment");
  *idn = NULL;
  *size = 0;
  const char *id = *n ? stringz(c, seg, 4, size) : NULL;
  if (id)
    *idn = item(c, *n, F_IDENT, seg, 4, *size, false);
  return id;
}

static void app0_segment(jctx *c, const view *seg, uint16_t len, uint16_t marker,
                         const char *name) {
  dx_node *n, *idn;
  uint32_t size;
  const char *id = app_head(c, seg, marker, name, &n, &idn, &size);
  if (!id)
    return;
  if (strcmp(id, "JFIF") == 0) {
    if (!need(c, seg, 9, 2))
      return;
    dx_node *v = none(c, n, F_VERSION, seg, 9, 2);
    dx_node_set_text(c->p, v, "Version: %u.%u", rd(c, seg, 9, 1, false), rd(c, seg, 10, 1, false));
    item(c, v, F_VMAJOR, seg, 9, 1, false);
    item(c, v, F_VMINOR, seg, 10, 1, false);
    item(c, n, F_UNITS, seg, 11, 1, false);
    item(c, n, F_XDENS, seg, 12, 2, false);
    item(c, n, F_YDENS, seg, 14, 2, false);
    item(c, n, F_XTHUMB, seg, 16, 1, false);
    if (!item(c, n, F_YTHUMB, seg, 17, 1, false))
      return;
    uint32_t x = rd(c, seg, 16, 1, false), y = rd(c, seg, 17, 1, false);
    if (x || y)
      item(c, n, F_RGB, seg, 18, 3 * x * y, false);
  } else if (strcmp(id, "JFXX") == 0) {
    item(c, n, F_EXTCODE, seg, 9, 1, false);
  } else {
    dx_node_append_text(c->p, idn, " (unknown identifier)");
    remain(c, n, seg, 4 + (uint64_t)size, (uint32_t)len - 2 - size);
  }
}

/* "N bytes" (tshark's units_byte_bytes) */
static const char *bytes_unit(uint32_t v) {
  return v == 1 ? "byte" : "bytes";
}

static void ifd_chain(jctx *c, dx_node *tree, const view *tv, bool le, uint32_t start, int ftag,
                      const char *desc);

/* One entry's value(s) (tshark's process_tiff_ifd_chain) */
static void ifd_values(jctx *c, dx_node *tree, dx_node *ifd, const view *tv, bool le, uint64_t off,
                       int ftag, uint32_t tag, uint32_t type, uint32_t count) {
  uint32_t size;
  int fv;
  switch (type) {
  case T_BYTE: size = 1, fv = F_VAL_BYTE; break;
  case T_ASCII: size = 1, fv = F_VAL_ASCII; break;
  case T_SHORT: size = 2, fv = F_VAL_SHORT; break;
  case T_LONG: size = 4, fv = F_VAL_LONG; break;
  case T_RATIONAL: size = 8, fv = F_VAL_RAT; break;
  case T_UNDEFINED: size = 1, fv = F_VAL_UNDEF; break;
  case T_SLONG: size = 4, fv = F_VAL_SLONG; break;
  case T_SRATIONAL: size = 8, fv = F_VAL_SRAT; break;
  default: size = 0, fv = -1; break;
  }
  uint64_t at;
  dx_node *parent;
  if (size == 0 || 4 / size < count) {
    /* the values are elsewhere: the entry holds their offset */
    dx_node *o = item(c, ifd, F_IFD_OFFSET, tv, off, 4, le);
    if (!o)
      return;
    uint32_t vo = rd(c, tv, off, 4, le);
    if (vo >= tv->rep) {
      dx_expert(c->p, o, FL(F_EI_VALUE), DX_SEV_WARN, "bogus, should be < %u", (uint32_t)tv->rep);
      return;
    }
    at = vo;
    parent = tree;
  } else {
    at = off;
    parent = ifd;
  }
  if (fv == F_VAL_ASCII || fv == F_VAL_UNDEF) {
    /* one item of count bytes (a count of 2^31 or more is a negative
     * length to tshark: -1 is "to the end", the others an exception) */
    uint32_t n = count;
    if (count == UINT32_MAX) {
      if (!rest(c, tv, at, &n))
        return;
    } else if (count > INT32_MAX) {
      raise_exception(c, false);
      return;
    }
    dx_node *v = count_item(c) ? item(c, parent, fv, tv, at, n, le) : NULL;
    if (v && fv == F_VAL_ASCII)
      stray(c, v, tv, at, n);
    return;
  }
  if (size == 0)
    return;
  for (uint32_t i = 0; i < count && count_item(c); i++, at += size) {
    dx_node *v;
    if (fv == F_VAL_RAT || fv == F_VAL_SRAT) {
      v = none_item(c, parent, fv, tv, at, 8);
    } else {
      v = item(c, parent, fv, tv, at, size, le);
    }
    if (!v)
      return;
    if (fv == F_VAL_RAT || fv == F_VAL_SRAT) {
      bool s = fv == F_VAL_SRAT;
      if (!item(c, v, s ? F_SRAT_NUM : F_RAT_NUM, tv, at, 4, le) ||
          !item(c, v, s ? F_SRAT_DEN : F_RAT_DEN, tv, at + 4, 4, le))
        return;
      uint32_t num = rd(c, tv, at, 4, le), den = rd(c, tv, at + 4, 4, le);
      if (s)
        dx_node_set_text(c->p, v, "Value: %d/%d", (int32_t)num, (int32_t)den);
      else
        dx_node_set_text(c->p, v, "Value: %u/%u", num, den);
    } else if (fv == F_VAL_LONG && count == 1 && ftag == F_IFD_TAG) {
      /* a pointer to the Exif, GPS or Interoperability IFD (from the
       * first IFD chain only: one level deep) */
      uint32_t ext = rd(c, tv, at, 4, le);
      int etag = tag == TAG_EXIF_IFD      ? F_IFD_TAG_EXIF
                 : tag == TAG_GPS_IFD     ? F_IFD_TAG_GPS
                 : tag == TAG_INTEROP_IFD ? F_IFD_TAG_INTEROP
                                          : -1;
      const char *edesc = tag == TAG_EXIF_IFD  ? "Exif IFD"
                          : tag == TAG_GPS_IFD ? "GPS IFD"
                                               : "Interoperability IFD";
      if (etag < 0)
        continue;
      if (ext < tv->rep)
        ifd_chain(c, tree, tv, le, ext, etag, edesc);
      else
        dx_expert(c->p, v, FL(F_EI_START), DX_SEV_WARN, "bogus, should be < %u", (uint32_t)tv->rep);
    }
  }
}

/* A chain of IFDs from start (offsets from the TIFF header): each with its
 * entries, then the next one's offset, which must go forward. */
static void ifd_chain(jctx *c, dx_node *tree, const view *tv, bool le, uint32_t start, int ftag,
                      const char *desc) {
  uint64_t next = start;
  for (unsigned idx = 0; !c->stop; idx++) {
    uint64_t off = next;
    if (!need(c, tv, off, 2))
      return;
    uint32_t num = rd(c, tv, off, 2, le);
    dx_node *ifd = need(c, tv, off, (uint64_t)num * 12 + 6)
                       ? dx_add_none_full(c->p, tree, FL(F_IFD), c->t, (uint32_t)(tv->base + off),
                                          num * 12 + 6)
                       : NULL;
    if (!ifd)
      return;
    dx_node_set_text(c->p, ifd, "%s #%u", desc, idx);
    item(c, ifd, F_IFD_NUM, tv, off, 2, le);
    off += 2;
    for (; num > 0 && count_item(c); num--, off += 4) {
      dx_node *tg = item(c, ifd, ftag, tv, off, 2, le);
      dx_node *ty = item(c, ifd, F_IFD_TYPE, tv, off + 2, 2, le);
      dx_node *ct = item(c, ifd, F_IFD_COUNT, tv, off + 4, 4, le);
      if (!tg || !ty || !ct)
        return;
      uint32_t tag = rd(c, tv, off, 2, le), type = rd(c, tv, off + 2, 2, le),
               count = rd(c, tv, off + 4, 4, le);
      off += 8;
      ifd_values(c, tree, ifd, tv, le, off, ftag, tag, type, count);
    }
    dx_node *nx = item(c, ifd, F_NEXT_IFD, tv, off, 4, le);
    if (!nx)
      return;
    next = rd(c, tv, off, 4, le);
    dx_node_set_text(c->p, nx, "Offset to next IFD from start of TIFF header: %u %s",
                     (uint32_t)next, bytes_unit((uint32_t)next));
    off += 4;
    if (next == 0)
      return;
    if (next < off) {
      dx_expert(c->p, nx, FL(F_EI_NEXT), DX_SEV_WARN, " (bogus, should be >= %u)", (uint32_t)off);
      return;
    }
  }
}

/* The TIFF header after "Exif\0\0": byte order, the first IFD's offset,
 * the IFD chain. */
static void tiff(jctx *c, dx_node *tree, const view *tv) {
  if (!need(c, tv, 0, 2))
    return;
  uint32_t order = rd(c, tv, 0, 2, false);
  dx_node *e = item(c, tree, F_ENDIAN, tv, 0, 2, false);
  if (order != 0x4949 && order != 0x4d4d) {
    dx_node_set_text(
        c->p, e,
        "Endianness: Incorrect encoding 0x%04x- skipping the remainder of this application marker",
        order);
    return;
  }
  bool le = order == 0x4949;
  dx_node_set_text(c->p, e, "Endianness: %s", le ? "little endian" : "big endian");
  dx_node *s = item(c, tree, F_START_IFD, tv, 4, 4, le);
  if (!s)
    return;
  uint32_t start = rd(c, tv, 4, 4, le);
  dx_node_set_text(c->p, s, "Start offset of IFD starting from the TIFF header start: %u %s", start,
                   bytes_unit(start));
  if (start < 8) {
    dx_expert(c->p, s, FL(F_EI_START), DX_SEV_WARN, " (bogus, should be >= %u)", 8u);
    return;
  }
  ifd_chain(c, tree, tv, le, start, F_IFD_TAG, "Image File Directory");
}

static void app1_segment(jctx *c, const view *seg, uint16_t len, uint16_t marker,
                         const char *name) {
  bool check = c->first_app1;
  c->first_app1 = false;
  dx_node *n, *idn;
  uint32_t size;
  const char *id = app_head(c, seg, marker, name, &n, &idn, &size);
  if (!id)
    return;
  if (check && strcmp(id, "JFIF") != 0)
    dx_expert(c->p, idn, FL(F_EI_NOT_JFIF), DX_SEV_WARN,
              "Initial App0 segment with \"JFIF\" Identifier not found");
  if (strcmp(id, "Exif") == 0) {
    uint64_t off = 4 + (uint64_t)size + 1; /* (a byte of padding) */
    if (!need(c, seg, off, 0))
      return;
    view tv = {(uint32_t)(seg->base + off), seg->rep - off};
    tiff(c, n, &tv);
  } else {
    remain(c, n, seg, 4 + (uint64_t)size, (uint32_t)len - 2 - size);
    if (!c->stop)
      dx_node_append_text(c->p, idn, " (Unknown identifier)");
  }
}

static void app2_segment(jctx *c, const view *seg, uint16_t len, uint16_t marker,
                         const char *name) {
  dx_node *n, *idn;
  uint32_t size;
  const char *id = app_head(c, seg, marker, name, &n, &idn, &size);
  if (!id)
    return;
  if (strcmp(id, "FPXR") == 0) {
    /* (in the image's tree, after the segment) */
    dx_add_none(c->p, c->layer, FL(F_FLASHPIX), c->t, seg->base, (uint32_t)view_have(c, seg));
  } else {
    remain(c, n, seg, 4 + (uint64_t)size, (uint32_t)len - 2 - size);
    if (!c->stop)
      dx_node_append_text(c->p, idn, " (Unknown identifier)");
  }
}

static bool is_sof(uint16_t m) {
  return m >= M_SOF0 && m <= 0xffcf && m != M_DHT && m != M_DAC;
}

/* ---- the image ------------------------------------------------------------ */

bool dx_dissect_jfif(dx_packet *p, dx_node *parent, const dx_tvb *b, dx_body_cols *cols) {
  const uint8_t *d = b->data;
  uint32_t len = b->len;
  if (len < 20 || d[0] != 0xff || d[1] != 0xd8)
    return false;
  bool exif = memcmp(d + 6, "Exif", 5) == 0;
  if (!exif && memcmp(d + 6, "JFIF", 5) != 0)
    return false;
  dx_body_cols_info(cols, " (JPEG JFIF image)");
  jctx c = {.p = p, .t = b, .first_app1 = exif};
  c.tree = !(p->terse && p->sess && p->sess->ninterest == 0);
  c.layer = dx_add_proto(p, parent, FL(F_JFIF), b, 0, len);
  uint64_t se = 0; /* where the entropy-coded bytes start */
  while (count_item(&c)) {
    if (se > len) { /* (a segment longer than the body) */
      raise_exception(&c, false);
      break;
    }
    /* the next FF that is not FF 00 (a stuffed FF) */
    uint64_t sf = se;
    for (;;) {
      const uint8_t *q = sf < len ? memchr(d + sf, 0xff, len - (uint32_t)sf) : NULL;
      if (!q) {
        sf = len;
        break;
      }
      sf = (uint64_t)(q - d);
      if (len - sf == 1 || d[sf + 1] != 0)
        break;
      sf += 2;
    }
    if (sf != se)
      dx_add_bytes(p, c.layer, FL(F_ECS), b, (uint32_t)se, (uint32_t)(sf - se));
    if (sf == len)
      break;
    uint32_t sm = (uint32_t)sf;
    while (sm + 1 < len && d[sm + 1] == 0xff)
      sm++;
    if (sm + 1 >= len) { /* an FF at the end */
      raise_exception(&c, false);
      break;
    }
    if (sm != sf)
      dx_add_bytes(p, c.layer, FL(F_FILL), b, (uint32_t)sf, sm - (uint32_t)sf);
    uint16_t marker = (uint16_t)(d[sm] << 8 | d[sm + 1]);
    const char *name = dx_val_name(marker_vals, marker);
    if (!name) { /* a marker tshark does not know ends the image */
      dx_node *m = dx_add_item(p, c.layer, FL(F_MARKER), b, sm, 2);
      dx_node_append_text(p, m, " (Reserved)");
      break;
    }
    if (marker == M_TEM || marker == M_SOI || marker == M_EOI ||
        (marker >= M_RST0 && marker <= M_RST7)) {
      dx_add_item(p, c.layer, FL(F_MARKER), b, sm, 2);
      se = sm + 2;
      continue;
    }
    if (sm + 4 > len) { /* the length runs out */
      raise_exception(&c, false);
      break;
    }
    uint16_t seglen = (uint16_t)(d[sm + 2] << 8 | d[sm + 3]);
    view seg = {sm, 2 + (uint64_t)seglen};
    if (marker == M_APP1)
      app1_segment(&c, &seg, seglen, marker, name);
    else if (!c.tree) /* (tshark reads the others only into a tree) */
      se = (uint64_t)sm + 2 + seglen;
    else if (marker == M_APP0)
      app0_segment(&c, &seg, seglen, marker, name);
    else if (marker == M_APP2)
      app2_segment(&c, &seg, seglen, marker, name);
    else if (is_sof(marker))
      sof_segment(&c, &seg, marker, name);
    else if (marker == M_SOS)
      sos_segment(&c, &seg, marker, name);
    else if (marker == M_COM)
      com_segment(&c, &seg, seglen, marker, name);
    else
      any_segment(&c, &seg, seglen, marker, name);
    se = (uint64_t)sm + 2 + seglen;
  }
  return true;
}
