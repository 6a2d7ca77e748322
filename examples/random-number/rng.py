# Reads two whole numbers and prints a random whole number between them (both included).
# 두 정수를 입력받아, 그 사이(양 끝 포함)의 정수 하나를 무작위로 골라 출력합니다.
import random

print("Pick a random number between two numbers.")
print("Lowest number?")
low = int(input("> "))
print("Highest number?")
high = int(input("> "))

if high < low:
    print("The highest number must not be lower than the lowest.")
else:
    print(random.randint(low, high))
