"""The law model: every part of fazhi that speaks of laws reads them from here.

    names.py      cited laws: canonical names, short forms and page slugs (``names.yaml``)
    library.py    the law library: statute texts as laws → versions → chapters → articles
    levels.py     a text's place in the hierarchy of norms (效力位阶), from its library folder
    numerals.py   article numbers in Chinese numerals (第一百二十条之一 ⇄ ``ArticleNo``)
    citations.py  《X》第N条 in running text resolved to an article of the version then in force
"""
