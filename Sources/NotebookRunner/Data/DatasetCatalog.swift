import Foundation

/// The data sets `{load}` knows by name, with their class names and file names.
public enum DatasetCatalog {
    /// A known data set: its name, class names, and the IDX file names of each split.
    public struct Entry: Sendable, Hashable {
        public var name: String
        public var classNames: [String]
        /// What to install or pass when the files are not found.
        public var howToGet: String
        /// Folders on the web holding the four `.gz` files, tried in order by `nbrun data fetch`.
        public var mirrors: [URL]
        /// Each IDX file's size and SHA-256, by its name without `.gz`. (Mirrors may compress
        /// differently; the IDX bytes are what must match.)
        public var files: [String: KnownFile]

        /// The IDX file names (without `.gz`) of the train and test splits' images and labels.
        public var fileNames: [String] {
            ["train", "test"].flatMap { split in
                let names = DatasetCatalog.fileNames(for: split)
                return [names.images, names.labels]
            }
        }
    }

    /// One IDX file as published: its size and the SHA-256 of its bytes, uncompressed.
    public struct KnownFile: Sendable, Hashable {
        public var bytes: Int
        public var sha256: String

        public init(bytes: Int, sha256: String) {
            self.bytes = bytes
            self.sha256 = sha256
        }

        /// The most bytes a gzip of the file can take, however it was compressed: the file in
        /// stored (uncompressed) deflate blocks, 5 bytes of framing per 65,535, plus a gzip
        /// header (with a file name) and trailer. A download longer than this is not the file.
        public var largestGzip: Int {
            bytes + (bytes / 65_535 + 1) * 5 + 512
        }
    }

    public static let mnist = Entry(
        name: "mnist",
        classNames: (0...9).map(String.init),
        howToGet: "run `nbrun data fetch mnist` (it writes ./data/mnist), or put the MNIST IDX files (e.g. t10k-images-idx3-ubyte.gz) in a folder 'mnist' under --data-dir DIR or NBRUN_DATA_DIR",
        mirrors: [URL(string: "https://ossci-datasets.s3.amazonaws.com/mnist/")!,
                  URL(string: "https://storage.googleapis.com/cvdf-datasets/mnist/")!],
        files: [
            "train-images-idx3-ubyte": KnownFile(bytes: 47_040_016, sha256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
            "train-labels-idx1-ubyte": KnownFile(bytes: 60_008, sha256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
            "t10k-images-idx3-ubyte": KnownFile(bytes: 7_840_016, sha256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
            "t10k-labels-idx1-ubyte": KnownFile(bytes: 10_008, sha256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
        ])

    public static let fashionMNIST = Entry(
        name: "fashion-mnist",
        classNames: ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                     "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        howToGet: "install it with `apt-get install dataset-fashion-mnist` (it goes to /usr/share/datasets/fashion-mnist), run `nbrun data fetch fashion-mnist`, or put the files in a folder 'fashion-mnist' under --data-dir DIR",
        mirrors: [URL(string: "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/")!],
        files: [
            "train-images-idx3-ubyte": KnownFile(bytes: 47_040_016, sha256: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
            "train-labels-idx1-ubyte": KnownFile(bytes: 60_008, sha256: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
            "t10k-images-idx3-ubyte": KnownFile(bytes: 7_840_016, sha256: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
            "t10k-labels-idx1-ubyte": KnownFile(bytes: 10_008, sha256: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
        ])

    /// Every known data set.
    public static let entries: [Entry] = [mnist, fashionMNIST]

    /// The names `{load}` accepts as its argument.
    public static var names: [String] { entries.map(\.name) }

    /// The data set called `name`, if known.
    public static func entry(named name: String) -> Entry? {
        entries.first { $0.name == name }
    }

    /// The IDX file names shared by MNIST and Fashion-MNIST (`train`, `test` → `t10k`).
    public static func fileNames(for split: String) -> (images: String, labels: String) {
        let prefix = split == "test" ? "t10k" : "train"
        return ("\(prefix)-images-idx3-ubyte", "\(prefix)-labels-idx1-ubyte")
    }
}
