/// Writes binary netpbm images: PGM (`P5`) for gray, PPM (`P6`) for colour, maxval 255.
public enum NetpbmWriter {
    /// The two binary formats.
    public enum Format: String, Sendable, CaseIterable {
        case pgm, ppm

        /// The file name extension, also the option value.
        public var fileExtension: String { rawValue }
    }

    /// The file bytes of `bitmap` as `format`; PPM expands gray to RGB, PGM needs gray.
    public static func encode(_ bitmap: Bitmap, as format: Format) -> [UInt8] {
        let body: Bitmap
        let magic: String
        switch format {
        case .pgm:
            precondition(bitmap.channels == .gray, "PGM holds gray images only")
            body = bitmap
            magic = "P5"
        case .ppm:
            body = bitmap.rgb()
            magic = "P6"
        }
        return Array("\(magic)\n\(bitmap.width) \(bitmap.height)\n255\n".utf8) + body.pixels
    }
}
