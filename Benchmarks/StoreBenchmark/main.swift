import MinshengStore
import SQLiteNIO
print("x")
