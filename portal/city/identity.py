"""Valid-looking people and organisations: Chinese names, resident IDs (C-ID1), unified
social credit codes, mobiles; all unique, all from one seeded random generator."""

import random
from datetime import date, timedelta

from stdnum.cn import ric, uscc

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍鹏辉建国建华晓东志强海燕俊杰子轩浩然雨涵欣怡梓涵"
TRADES = ("精工", "智造", "云帆", "京华", "恒通", "长城", "华信", "兴业", "远航", "鼎盛", "安泰",
          "金桥", "博远", "众诚", "新禾", "亦庄", "中关", "燕山", "通惠", "永定")
BUSINESS = ("机械制造", "养老服务", "汽车维修", "电子科技", "建筑安装", "餐饮管理", "物业服务",
            "信息技术", "轨道交通", "医疗器械", "印刷包装", "家政服务")
SCHOOLS = ("技师学院", "职业技能培训学校", "高级技工学校", "职业学院", "培训中心")


def _valid(number: str) -> bool:
    try:
        return ric.is_valid(number)
    except KeyError:  # stdnum's table lacks a county for some codes (110302)
        return False


class Identities:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self._ids: set[str] = set()
        self._mobiles = 0
        self._codes = 0

    def name(self) -> str:
        given = self.rng.choice(GIVEN) + (self.rng.choice(GIVEN) if self.rng.random() < 0.6 else "")
        return self.rng.choice(SURNAMES) + given

    def resident_id(self, district: str, today: date) -> str:
        """18 digits: the district, a birth date 16..55 years ago, a sequence, the check digit."""
        # A birthplace code must have existed on the birth date (房山, 昌平, 大兴… were 县
        # before), and 经开区 (110302) is no birthplace at all: then 朝阳区 (110105), valid since 1980.
        while True:
            born = today - timedelta(days=self.rng.randint(16 * 366, 55 * 365))
            serial = f"{born:%Y%m%d}{self.rng.randint(0, 999):03d}"
            for area in (district, "110105"):
                number = f"{area}{serial}" + ric.calc_check_digit(f"{area}{serial}0")
                if _valid(number):
                    break
            if number not in self._ids and _valid(number):
                self._ids.add(number)
                return number

    def mobile(self) -> str:
        self._mobiles += 1
        return f"1{self.rng.choice('3589')}{self._mobiles:09d}"

    def credit_code(self, district: str, institution: bool) -> str:
        self._codes += 1
        body = f"{'52' if institution else '91'}{district}M{'J' if institution else 'A'}{self._codes:07d}"
        return body + uscc.calc_check_digit(body)

    def enterprise_name(self, n: int) -> str:
        return f"北京{self.rng.choice(TRADES)}{self.rng.choice(BUSINESS)}有限公司（{n}）"

    def school_name(self, n: int) -> str:
        return f"北京市{self.rng.choice(TRADES)}{self.rng.choice(SCHOOLS)}（{n}）"
