/// The character and spacing class of every symbol command (`\alpha`, `\leq`, `\sum`, …).
enum SymbolTable {
    /// Lower-case Greek letters, set italic.
    static let greekLower: [String: String] = [
        "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
        "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
        "varkappa": "ϰ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "omicron": "ο", "pi": "π",
        "varpi": "ϖ", "rho": "ρ", "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ",
        "upsilon": "υ", "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
        "digamma": "ϝ",
    ]

    /// Upper-case Greek letters, set upright as in TeX.
    static let greekUpper: [String: String] = [
        "Alpha": "Α", "Beta": "Β", "Gamma": "Γ", "Delta": "Δ", "Epsilon": "Ε", "Zeta": "Ζ",
        "Eta": "Η", "Theta": "Θ", "Iota": "Ι", "Kappa": "Κ", "Lambda": "Λ", "Mu": "Μ", "Nu": "Ν",
        "Xi": "Ξ", "Omicron": "Ο", "Pi": "Π", "Rho": "Ρ", "Sigma": "Σ", "Tau": "Τ",
        "Upsilon": "Υ", "Phi": "Φ", "Chi": "Χ", "Psi": "Ψ", "Omega": "Ω",
    ]

    /// Ordinary symbols set as identifiers; upright (not auto-italic).
    static let ordinary: [String: String] = [
        "infty": "∞", "partial": "∂", "nabla": "∇", "ell": "ℓ", "hbar": "ℏ", "hslash": "ℏ",
        "emptyset": "∅", "varnothing": "∅", "aleph": "ℵ", "beth": "ℶ", "Re": "ℜ", "Im": "ℑ",
        "wp": "℘", "imath": "ı", "jmath": "ȷ", "top": "⊤", "bot": "⊥", "angle": "∠",
        "triangle": "△", "Box": "□", "square": "□", "blacksquare": "■", "Diamond": "◊",
        "checkmark": "✓", "flat": "♭", "sharp": "♯", "natural": "♮", "clubsuit": "♣",
        "diamondsuit": "♢", "heartsuit": "♡", "spadesuit": "♠", "degree": "°", "mho": "℧",
        "eth": "ð", "complement": "∁", "backprime": "‵", "prime": "′", "circledR": "®",
        "dag": "†", "ddag": "‡", "S": "§", "P": "¶", "copyright": "©", "pounds": "£",
        "yen": "¥", "euro": "€", "#": "#", "$": "$", "%": "%", "&": "&", "_": "_",
        "textbackslash": "\\", "vdots": "⋮",
    ]

    /// Operators: symbol and TeX class.
    static let operators: [String: (String, MathNode.AtomClass)] = {
        var table: [String: (String, MathNode.AtomClass)] = [:]
        for (name, symbol) in binary { table[name] = (symbol, .bin) }
        for (name, symbol) in relations { table[name] = (symbol, .rel) }
        for (name, symbol) in arrows { table[name] = (symbol, .rel) }
        let others: [String: (String, MathNode.AtomClass)] = [
            "ldots": ("…", .inner), "dots": ("…", .inner), "dotsc": ("…", .inner),
            "dotso": ("…", .inner), "cdots": ("⋯", .inner), "dotsb": ("⋯", .inner),
            "dotsm": ("⋯", .inner), "dotsi": ("⋯", .inner), "ddots": ("⋱", .inner),
            "iddots": ("⋰", .inner), "colon": (":", .punct), "forall": ("∀", .ord),
            "exists": ("∃", .ord), "nexists": ("∄", .ord), "neg": ("¬", .ord), "lnot": ("¬", .ord),
            "surd": ("√", .ord), "backslash": ("\\", .ord), "vert": ("|", .ord), "Vert": ("‖", .ord),
            "|": ("‖", .ord), "lvert": ("|", .open), "rvert": ("|", .close), "lVert": ("‖", .open),
            "rVert": ("‖", .close), "{": ("{", .open), "}": ("}", .close), "lbrace": ("{", .open),
            "rbrace": ("}", .close), "lbrack": ("[", .open), "rbrack": ("]", .close),
            "langle": ("⟨", .open), "rangle": ("⟩", .close), "lfloor": ("⌊", .open),
            "rfloor": ("⌋", .close), "lceil": ("⌈", .open), "rceil": ("⌉", .close),
            "ulcorner": ("⌜", .open), "urcorner": ("⌝", .close), "llcorner": ("⌞", .open),
            "lrcorner": ("⌟", .close), "lgroup": ("⟮", .open), "rgroup": ("⟯", .close),
        ]
        for (name, entry) in others { table[name] = entry }
        return table
    }()

    static let binary: [String: String] = [
        "pm": "±", "mp": "∓", "times": "×", "div": "÷", "cdot": "⋅", "ast": "∗", "star": "⋆",
        "circ": "∘", "bullet": "∙", "oplus": "⊕", "ominus": "⊖", "otimes": "⊗", "oslash": "⊘",
        "odot": "⊙", "cup": "∪", "cap": "∩", "wedge": "∧", "land": "∧", "vee": "∨", "lor": "∨",
        "setminus": "∖", "smallsetminus": "∖", "sqcup": "⊔", "sqcap": "⊓", "uplus": "⊎",
        "wr": "≀", "dagger": "†", "ddagger": "‡", "amalg": "⨿", "diamond": "⋄", "bigcirc": "◯",
        "triangleleft": "◃", "triangleright": "▹", "bigtriangleup": "△", "bigtriangledown": "▽",
        "lhd": "⊲", "rhd": "⊳", "unlhd": "⊴", "unrhd": "⊵", "centerdot": "⋅", "circledast": "⊛",
        "boxplus": "⊞", "boxminus": "⊟", "boxtimes": "⊠", "boxdot": "⊡", "dotplus": "∔",
        "ltimes": "⋉", "rtimes": "⋊", "intercal": "⊺",
    ]

    static let relations: [String: String] = [
        "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈",
        "equiv": "≡", "propto": "∝", "in": "∈", "notin": "∉", "ni": "∋", "owns": "∋",
        "subset": "⊂", "subseteq": "⊆", "subsetneq": "⊊", "supset": "⊃", "supseteq": "⊇",
        "supsetneq": "⊋", "nsubseteq": "⊈", "nsupseteq": "⊉", "sim": "∼", "simeq": "≃",
        "cong": "≅", "ll": "≪", "gg": "≫", "lll": "⋘", "ggg": "⋙", "prec": "≺", "succ": "≻",
        "preceq": "⪯", "succeq": "⪰", "perp": "⊥", "parallel": "∥", "nparallel": "∦", "mid": "∣",
        "nmid": "∤", "models": "⊨", "vdash": "⊢", "dashv": "⊣", "vDash": "⊨", "asymp": "≍",
        "doteq": "≐", "doteqdot": "≑", "leqslant": "⩽", "geqslant": "⩾", "lesssim": "≲",
        "gtrsim": "≳", "lessapprox": "⪅", "gtrapprox": "⪆", "triangleq": "≜", "coloneqq": "≔",
        "coloneq": "≔", "eqqcolon": "≕", "defeq": "≝", "sqsubset": "⊏", "sqsupset": "⊐",
        "sqsubseteq": "⊑", "sqsupseteq": "⊒", "smile": "⌣", "frown": "⌢", "bowtie": "⋈",
        "approxeq": "≊", "thicksim": "∼", "thickapprox": "≈", "lt": "<", "gt": ">",
        "nless": "≮", "ngtr": "≯", "nleq": "≰", "ngeq": "≱", "nsim": "≁", "ncong": "≇",
        "neqsim": "≂", "lneq": "⪇", "gneq": "⪈", "leqq": "≦", "geqq": "≧", "backsim": "∽",
        "between": "≬", "pitchfork": "⋔", "therefore": "∴", "because": "∵", "Join": "⋈",
        "vartriangleleft": "⊲", "vartriangleright": "⊳", "trianglelefteq": "⊴",
        "trianglerighteq": "⊵", "bumpeq": "≏", "Bumpeq": "≎", "circeq": "≗", "eqcirc": "≖",
        "risingdotseq": "≓", "fallingdotseq": "≒", "Vdash": "⊩", "Vvdash": "⊪", "nvdash": "⊬",
    ]

    static let arrows: [String: String] = [
        "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←", "Rightarrow": "⇒",
        "Leftarrow": "⇐", "Leftrightarrow": "⇔", "leftrightarrow": "↔", "mapsto": "↦",
        "implies": "⟹", "impliedby": "⟸", "iff": "⟺", "longrightarrow": "⟶",
        "longleftarrow": "⟵", "Longrightarrow": "⟹", "Longleftarrow": "⟸",
        "longleftrightarrow": "⟷", "Longleftrightarrow": "⟺", "longmapsto": "⟼",
        "uparrow": "↑", "downarrow": "↓", "Uparrow": "⇑", "Downarrow": "⇓", "updownarrow": "↕",
        "Updownarrow": "⇕", "nearrow": "↗", "searrow": "↘", "swarrow": "↙", "nwarrow": "↖",
        "hookrightarrow": "↪", "hookleftarrow": "↩", "rightharpoonup": "⇀",
        "rightharpoondown": "⇁", "leftharpoonup": "↼", "leftharpoondown": "↽",
        "rightleftharpoons": "⇌", "leftrightharpoons": "⇋", "leadsto": "⇝", "rightsquigarrow": "⇝",
        "twoheadrightarrow": "↠", "twoheadleftarrow": "↞", "rightrightarrows": "⇉",
        "leftleftarrows": "⇇", "rightleftarrows": "⇄", "leftrightarrows": "⇆",
        "circlearrowleft": "↺", "circlearrowright": "↻", "curvearrowleft": "↶",
        "curvearrowright": "↷", "Lsh": "↰", "Rsh": "↱", "upuparrows": "⇈", "downdownarrows": "⇊",
        "nrightarrow": "↛", "nleftarrow": "↚", "nRightarrow": "⇏", "nLeftarrow": "⇍",
        "nleftrightarrow": "↮", "nLeftrightarrow": "⇎", "longleftrightarrows": "⟷",
    ]

    /// Large operators: symbol, and whether the limits go under/over in display style.
    static let largeOperators: [String: (String, MathNode.Limits)] = [
        "sum": ("∑", .display), "prod": ("∏", .display), "coprod": ("∐", .display),
        "int": ("∫", .never), "iint": ("∬", .never), "iiint": ("∭", .never), "iiiint": ("⨌", .never),
        "oint": ("∮", .never), "oiint": ("∯", .never), "oiiint": ("∰", .never),
        "intop": ("∫", .display), "smallint": ("∫", .never),
        "bigcup": ("⋃", .display), "bigcap": ("⋂", .display), "bigoplus": ("⨁", .display),
        "bigotimes": ("⨂", .display), "bigodot": ("⨀", .display), "biguplus": ("⨄", .display),
        "bigsqcup": ("⨆", .display), "bigvee": ("⋁", .display), "bigwedge": ("⋀", .display),
    ]

    /// Named operators set upright: text, and where their limits go.
    static let namedOperators: [String: (String, MathNode.Limits)] = {
        var table: [String: (String, MathNode.Limits)] = [:]
        for name in ["arccos", "arcsin", "arctan", "arg", "cos", "cosh", "cot", "coth", "csc", "deg",
                     "dim", "exp", "hom", "ker", "lg", "ln", "log", "sec", "sin", "sinh", "tan", "tanh",
                     "sgn", "sign", "tr", "Tr", "erf", "rank", "diag", "csch", "sech", "arccot"] {
            table[name] = (name, .never)
        }
        for name in ["det", "gcd", "lim", "max", "min", "Pr", "sup", "inf", "lcm"] {
            table[name] = (name, .display)
        }
        table["liminf"] = ("lim\u{2006}inf", .display)
        table["limsup"] = ("lim\u{2006}sup", .display)
        table["argmax"] = ("arg\u{2006}max", .display)
        table["argmin"] = ("arg\u{2006}min", .display)
        table["injlim"] = ("inj\u{2006}lim", .display)
        table["projlim"] = ("proj\u{2006}lim", .display)
        return table
    }()

    /// Delimiters accepted after `\left`, `\right`, `\middle` and `\big…`.
    static let delimiters: [String: String] = [
        "{": "{", "}": "}", "lbrace": "{", "rbrace": "}", "lbrack": "[", "rbrack": "]",
        "langle": "⟨", "rangle": "⟩", "lvert": "|", "rvert": "|", "vert": "|", "lVert": "‖",
        "rVert": "‖", "Vert": "‖", "|": "‖", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈",
        "rceil": "⌉", "uparrow": "↑", "downarrow": "↓", "updownarrow": "↕", "Uparrow": "⇑",
        "Downarrow": "⇓", "Updownarrow": "⇕", "backslash": "\\", "lgroup": "⟮", "rgroup": "⟯",
        "ulcorner": "⌜", "urcorner": "⌝", "llcorner": "⌞", "lrcorner": "⌟", "mid": "∣",
        "lt": "⟨", "gt": "⟩",
    ]

    /// Accents: command → (mark, stretches to the width of the base). `\bar` is U+203E: with
    /// Latin Modern Math, Chromium draws nothing for the macron U+00AF placed as an accent.
    static let accents: [String: (String, Bool)] = [
        "hat": ("^", false), "widehat": ("\u{302}", true), "check": ("ˇ", false), "widecheck": ("ˇ", false),
        "tilde": ("~", false), "widetilde": ("~", false), "bar": ("\u{203E}", false),
        "vec": ("\u{20D7}", true), "overrightarrow": ("→", true), "overleftarrow": ("←", true),
        "overleftrightarrow": ("↔", true), "dot": ("˙", false), "ddot": ("¨", false),
        "dddot": ("⃛", false), "acute": ("´", false), "grave": ("`", false), "breve": ("˘", false),
        "mathring": ("˚", false),
    ]

    /// Explicit spaces: command → width in em.
    static let spaces: [String: String] = [
        ",": "0.1667em", "thinspace": "0.1667em", ":": "0.2222em", ">": "0.2222em",
        "medspace": "0.2222em", ";": "0.2778em", "thickspace": "0.2778em", "enspace": "0.5em",
        "quad": "1em", "qquad": "2em", "!": "-0.1667em", "negthinspace": "-0.1667em",
        "negmedspace": "-0.2222em", "negthickspace": "-0.2778em", " ": "0.3333em",
        "space": "0.3333em", "nobreakspace": "0.3333em",
        // A control space at the end of a line (`\` then the line break) is one too.
        "\n": "0.3333em", "\r": "0.3333em", "\t": "0.3333em",
    ]

    /// Symbol for a command usable in text mode (`\text{\%}`), if any.
    static func textSymbol(_ name: String) -> String? {
        switch name {
        case "{", "}", "#", "$", "%", "&", "_": return name
        case " ", "space", "nobreakspace": return "\u{A0}"
        case ",", "thinspace": return "\u{2009}"
        case "quad": return "\u{2003}"
        case "qquad": return "\u{2003}\u{2003}"
        case "textbackslash": return "\\"
        case "ldots", "dots", "textellipsis": return "…"
        case "textendash": return "–"
        case "textemdash": return "—"
        default:
            return greekLower[name] ?? greekUpper[name] ?? ordinary[name] ?? operators[name]?.0
        }
    }
}
