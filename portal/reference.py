"""Reference data that is not policy: Beijing's administrative units."""

# GB/T 2260 codes of Beijing's 16 districts.
DISTRICTS: tuple[tuple[str, str], ...] = (
    ("110101", "东城区"),
    ("110102", "西城区"),
    ("110105", "朝阳区"),
    ("110106", "丰台区"),
    ("110107", "石景山区"),
    ("110108", "海淀区"),
    ("110109", "门头沟区"),
    ("110111", "房山区"),
    ("110112", "通州区"),
    ("110113", "顺义区"),
    ("110114", "昌平区"),
    ("110115", "大兴区"),
    ("110116", "怀柔区"),
    ("110117", "平谷区"),
    ("110118", "密云区"),
    ("110119", "延庆区"),
    # 北京经济技术开发区 has no GB/T 2260 code of its own; 110302 is the registration-region
    # code its enterprises' unified social credit codes carry, so it keys the 经开区 here.
    ("110302", "北京经济技术开发区"),
)
