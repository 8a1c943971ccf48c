/// The data sets `{load}` knows by name, with their class names and file names.
public enum DatasetCatalog {
    /// A known data set: its name, class names, and the IDX file names of each split.
    public struct Entry: Sendable, Hashable {
        public var name: String
        public var classNames: [String]
        /// What to install or pass when the files are not found.
        public var howToGet: String
    }

    public static let mnist = Entry(
        name: "mnist",
        classNames: (0...9).map(String.init),
        howToGet: "put the MNIST IDX files (e.g. t10k-images-idx3-ubyte.gz) in a folder 'mnist' under --data-dir DIR or NBRUN_DATA_DIR, or in ./data/mnist")

    public static let fashionMNIST = Entry(
        name: "fashion-mnist",
        classNames: ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                     "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        howToGet: "install it with `apt-get install dataset-fashion-mnist` (it goes to /usr/share/datasets/fashion-mnist), or put the files in a folder 'fashion-mnist' under --data-dir DIR")

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
